#include "sim/net/Network.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sasgsim {
namespace {

bool within(double t_s, double limit_s) { return std::isfinite(t_s) && t_s >= 0 && t_s <= limit_s; }

}  // namespace

TransferResult Network::transfer(int64_t iteration, const std::vector<Upload>& uploads,
                                 const ComputeSpan& compute) {
  const double slowest_s = compute.slowest_s;
  if (!within(slowest_s, slowest_s) || !within(compute.worker0_s, slowest_s)) {
    throw std::logic_error("Network: the compute span must be finite, >= 0, worker 0 <= slowest");
  }
  for (double done_s : compute.workers_s) {
    if (!within(done_s, slowest_s)) {
      throw std::logic_error("Network: every worker's computation must lie within the span");
    }
  }
  for (const Upload& up : uploads) {
    if (!within(up.computed_s, slowest_s)) {
      throw std::logic_error("Network: an upload's computed_s must lie within the compute span");
    }
  }
  TransferResult result = simulate(iteration, uploads, compute);
  result.comm_time_s = std::max(result.end_s, slowest_s) - slowest_s;
  comm_time_total_s_ += result.comm_time_s;
  ++iterations_;
  return result;
}

}  // namespace sasgsim
