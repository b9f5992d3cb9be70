#include "sim/net/AnalyticNetwork.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sasgsim {

AnalyticNetwork::AnalyticNetwork(const NetworkOptions& options, int workers)
    : schedule_(options.schedule) {
  if (workers < 1) throw std::logic_error("AnalyticNetwork: workers must be >= 1");
  links_.reserve(workers);
  for (int m = 0; m < workers; ++m) {
    LinkOptions link = options.link_of(m);
    if (!(link.rate_bps > 0) || !(link.latency_s >= 0)) {
      throw std::logic_error("AnalyticNetwork: invalid link for worker " + std::to_string(m));
    }
    links_.push_back(link);
  }
}

TransferResult AnalyticNetwork::transfer(int64_t /*iteration*/,
                                         const std::vector<Upload>& uploads) {
  TransferResult result;
  result.finish_s.reserve(uploads.size());
  double clock_s = 0.0;
  int previous = -1;
  for (const Upload& up : uploads) {
    if (up.worker <= previous || up.worker >= static_cast<int>(links_.size()) ||
        up.payload_bytes < 0) {
      throw std::logic_error("AnalyticNetwork: uploads must be in increasing worker order, "
                             "within range, with non-negative sizes");
    }
    previous = up.worker;
    const LinkOptions& link = links_[up.worker];
    const double duration_s = link.latency_s + 8.0 * static_cast<double>(up.payload_bytes) /
                                                   link.rate_bps;
    const double start_s = schedule_ == ScheduleKind::kSequential ? clock_s : 0.0;
    const double finish_s = start_s + duration_s;
    clock_s = finish_s;
    result.finish_s.push_back(finish_s);
    result.comm_time_s = std::max(result.comm_time_s, finish_s);
    result.wire_bytes += up.payload_bytes;
  }
  return result;
}

}  // namespace sasgsim
