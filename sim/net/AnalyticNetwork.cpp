#include "sim/net/AnalyticNetwork.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/net/MessageTiming.h"

namespace sasgsim {

AnalyticNetwork::AnalyticNetwork(const NetworkOptions& options, const NetworkSetup& setup)
    : options_(options), model_bytes_(setup.model_bytes) {
  if (setup.workers < 1) throw std::logic_error("AnalyticNetwork: workers must be >= 1");
  const bool with_switch = options.topology == TopologyKind::kSwitch;
  const ServerLinkOptions& card = options.server_link;
  if (with_switch && !(card.upload_rate() > 0 && card.download_rate() > 0)) {
    throw std::logic_error("AnalyticNetwork: invalid server link");
  }
  for (int m = 0; m < setup.workers; ++m) {
    const LinkOptions link = options.link_of(m);
    if (!(link.rate_bps > 0) || !(link.latency_s >= 0)) {
      throw std::logic_error("AnalyticNetwork: invalid link for worker " + std::to_string(m));
    }
    paths_.push_back(with_switch ? Path{std::min(link.rate_bps, card.upload_rate()),
                                        std::min(link.rate_bps, card.download_rate()),
                                        link.latency_s + card.latency_s}
                                 : Path{link.rate_bps, link.rate_bps, link.latency_s});
  }
  links_ = describe_links(options, setup.workers);
  traffic_.assign(links_.size(), LinkTraffic{});
}

double AnalyticNetwork::leg_s(const Path& p, double rate_bps, int64_t bytes) const {
  return bytes == 0 ? 0.0 : p.latency_s + 8.0 * static_cast<double>(bytes) / rate_bps;
}

void AnalyticNetwork::concurrent(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                                 TransferResult& out) const {
  const MessageCosts& costs = options_.costs;
  const double server_s = server_start_s(options_, compute);
  ServerCpu cpu(server_s);
  double first_start_s = std::numeric_limits<double>::infinity();
  double total_bytes = 0.0;
  std::vector<size_t> remote;
  for (size_t i = 0; i < uploads.size(); ++i) {
    const Upload& up = uploads[i];
    if (!options_.is_remote(up.worker)) {
      cpu = ServerCpu(aggregate_local(up, costs, server_s, i, out));
      continue;
    }
    const Path& p = paths_[up.worker];
    out.prepared_s[i] = up.computed_s + costs.send_s(up.payload_bytes);
    out.ready_s[i] = server_s + leg_s(p, p.down_rate_bps, costs.rendezvous_bytes);
    out.start_s[i] = std::max(out.prepared_s[i], out.ready_s[i]);
    out.delivered_s[i] = out.start_s[i] + leg_s(p, p.up_rate_bps, up.payload_bytes);
    first_start_s = std::min(first_start_s, out.start_s[i] + p.latency_s);
    total_bytes += static_cast<double>(up.payload_bytes);
    remote.push_back(i);
  }
  if (options_.topology == TopologyKind::kSwitch && !remote.empty()) {
    // The server card carries every byte: the last delivery cannot come earlier.
    const double bound_s = first_start_s + 8.0 * total_bytes / options_.server_link.upload_rate();
    size_t last = remote.front();  // the latest delivery (the last of equals)
    for (size_t i : remote) {
      if (out.delivered_s[i] >= out.delivered_s[last]) last = i;
    }
    out.delivered_s[last] = std::max(out.delivered_s[last], bound_s);
  }
  std::stable_sort(remote.begin(), remote.end(),
                   [&](size_t a, size_t b) { return out.delivered_s[a] < out.delivered_s[b]; });
  for (size_t i : remote) {
    const int64_t bytes = uploads[i].payload_bytes;
    out.finish_s[i] = cpu.process(out.delivered_s[i], costs.receive_s(bytes) + costs.aggregation_s(bytes));
  }
  out.end_s = uploads.empty() ? 0.0 : cpu.free_s();
}

double AnalyticNetwork::downlink_end_s(double start_s, const std::vector<double>& ready_s) const {
  const MessageCosts& costs = options_.costs;
  const double sent_s = start_s + costs.send_s(model_bytes_);
  double end_s = sent_s;
  int receivers = 0;
  double first_arrival_s = std::numeric_limits<double>::infinity();
  for (size_t m = 0; m < paths_.size(); ++m) {
    if (!options_.is_remote(static_cast<int>(m))) continue;
    const double send_s = std::max(sent_s, ready_s[m]);  // once the worker is ready
    end_s = std::max(end_s, send_s + leg_s(paths_[m], paths_[m].down_rate_bps, model_bytes_));
    first_arrival_s = std::min(first_arrival_s, send_s + paths_[m].latency_s);
    ++receivers;
  }
  if (receivers == 0) return start_s;
  if (options_.topology == TopologyKind::kSwitch) {
    end_s = std::max(end_s, first_arrival_s + 8.0 * static_cast<double>(model_bytes_) *
                                                  receivers /
                                                  options_.server_link.download_rate());
  }
  return end_s + costs.receive_s(model_bytes_);
}

void AnalyticNetwork::account(const std::vector<Upload>& uploads) {
  const int workers = static_cast<int>(paths_.size());
  const bool with_switch = options_.topology == TopologyKind::kSwitch;
  int previous = -1;
  for (const Upload& up : uploads) {
    if (up.worker <= previous || up.worker >= workers || up.payload_bytes < 0) {
      throw std::logic_error("AnalyticNetwork: uploads must be in increasing worker order, "
                             "within range, with non-negative sizes");
    }
    previous = up.worker;
    if (!options_.is_remote(up.worker)) continue;
    traffic_[up.worker].up_bytes += up.payload_bytes;
    if (with_switch) traffic_[workers].up_bytes += up.payload_bytes;
  }
}

TransferResult AnalyticNetwork::simulate(int64_t /*iteration*/,
                                         const std::vector<Upload>& uploads,
                                         const ComputeSpan& compute) {
  check_every_worker_given(compute, paths_.size(), "AnalyticNetwork");
  account(uploads);
  TransferResult result;
  result.resize(uploads.size());
  if (options_.schedule == ScheduleKind::kSequential) {
    std::vector<NetworkLeg> legs;
    for (const Upload& up : uploads) {
      const Path& p = paths_[up.worker];
      legs.push_back({leg_s(p, p.down_rate_bps, options_.costs.rendezvous_bytes),
                      leg_s(p, p.up_rate_bps, up.payload_bytes)});
    }
    compose_sequential(uploads, legs, options_, compute, result);
  } else {
    concurrent(uploads, compute, result);
  }
  for (const Upload& up : uploads) {
    if (options_.is_remote(up.worker)) result.wire_bytes += up.payload_bytes;
  }
  if (options_.downlink && model_bytes_ > 0) {
    const int workers = static_cast<int>(paths_.size());
    int receivers = 0;
    for (int m = 0; m < workers; ++m) {
      if (!options_.is_remote(m)) continue;
      traffic_[m].down_bytes += model_bytes_;
      ++receivers;
    }
    if (options_.topology == TopologyKind::kSwitch) traffic_[workers].down_bytes += model_bytes_ * receivers;
    const auto lone_leg_s = [this](int m) {
      return leg_s(paths_[m], paths_[m].up_rate_bps, options_.costs.rendezvous_bytes);
    };
    result.end_s = downlink_end_s(
        std::max(result.end_s, compute.slowest_s),
        model_ready_s(options_, workers, uploads, compute, result, lone_leg_s));
    result.wire_bytes += model_bytes_ * receivers;
  }
  return result;
}

nlohmann::json AnalyticNetwork::summary() const {
  return {{"backend", "analytic"},
          {"topology", to_string(options_.topology)},
          {"server", to_string(options_.server)},
          {"schedule", to_string(options_.schedule)},
          {"downlink", options_.downlink},
          {"iterations", iterations()},
          {"comm_time_s", comm_time_total_s()},
          {"links", links_to_json(links_, traffic_, comm_time_total_s())}};
}

}  // namespace sasgsim
