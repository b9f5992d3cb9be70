#include "sim/net/MessageTiming.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sasgsim {

double ServerCpu::process(double arrival_s, double cost_s) {
  free_s_ = std::max(free_s_, arrival_s) + cost_s;
  return free_s_;
}

void TransferResult::resize(size_t uploads) {
  for (std::vector<double>* v : {&prepared_s, &ready_s, &start_s, &delivered_s, &finish_s}) {
    v->assign(uploads, 0.0);
  }
}

double server_start_s(const NetworkOptions& options, const ComputeSpan& compute) {
  return options.is_remote(0) ? 0.0 : compute.worker0_s;
}

void check_every_worker_given(const ComputeSpan& compute, size_t workers, const char* who) {
  if (!compute.workers_s.empty() && compute.workers_s.size() != workers) {
    throw std::logic_error(std::string(who) + ": the compute span must give every worker's time");
  }
}

std::vector<double> model_ready_s(const NetworkOptions& options, int workers,
                                  const std::vector<Upload>& uploads, const ComputeSpan& compute,
                                  const TransferResult& out,
                                  const std::function<double(int)>& lone_leg_s) {
  std::vector<double> ready(static_cast<size_t>(workers), 0.0);
  const auto bits = 8.0 * static_cast<double>(options.costs.rendezvous_bytes);
  if (bits == 0.0) return ready;
  std::vector<int> position(ready.size(), -1);
  for (size_t i = 0; i < uploads.size(); ++i) position[uploads[i].worker] = static_cast<int>(i);
  for (int m = 0; m < workers; ++m) {
    if (!options.is_remote(m)) continue;
    if (position[m] < 0) {
      ready[m] = compute.worker_s(m) + lone_leg_s(m);
      continue;
    }
    double rate_bps = options.link_of(m).rate_bps;
    if (options.topology == TopologyKind::kSwitch) {
      rate_bps = std::min(rate_bps, options.server_link.upload_rate());
    }
    ready[m] = out.delivered_s[position[m]] + bits / rate_bps;
  }
  return ready;
}

double aggregate_local(const Upload& up, const MessageCosts& costs, double server_s,
                       size_t index, TransferResult& out) {
  out.prepared_s[index] = out.ready_s[index] = out.start_s[index] = out.delivered_s[index] =
      up.computed_s;
  out.finish_s[index] = server_s + costs.aggregation_s(up.payload_bytes);
  return out.finish_s[index];
}

void compose_sequential(const std::vector<Upload>& uploads, const std::vector<NetworkLeg>& legs,
                        const NetworkOptions& options, const ComputeSpan& compute,
                        TransferResult& out) {
  if (legs.size() != uploads.size()) throw std::logic_error("compose_sequential: one leg per upload");
  const MessageCosts& costs = options.costs;
  out.resize(uploads.size());
  const double server_s = server_start_s(options, compute);
  ServerCpu cpu(server_s);
  for (size_t i = 0; i < uploads.size(); ++i) {
    if (!options.is_remote(uploads[i].worker)) {
      cpu = ServerCpu(aggregate_local(uploads[i], costs, server_s, i, out));
    }
  }
  for (size_t i = 0; i < uploads.size(); ++i) {
    const Upload& up = uploads[i];
    if (!options.is_remote(up.worker)) continue;
    const double posted_s = cpu.free_s();
    out.prepared_s[i] = up.computed_s + costs.send_s(up.payload_bytes);
    out.ready_s[i] = posted_s + legs[i].ready_s;
    out.start_s[i] = std::max(out.prepared_s[i], out.ready_s[i]);
    out.delivered_s[i] = out.start_s[i] + legs[i].transfer_s;
    out.finish_s[i] = cpu.process(out.delivered_s[i], costs.receive_s(up.payload_bytes) +
                                                          costs.aggregation_s(up.payload_bytes));
  }
  out.end_s = uploads.empty() ? 0.0 : cpu.free_s();
}

}  // namespace sasgsim
