#include "sim/net/AnalyticNetwork.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace sasgsim {

AnalyticNetwork::AnalyticNetwork(const NetworkOptions& options, const NetworkSetup& setup)
    : options_(options), model_bytes_(setup.model_bytes) {
  if (setup.workers < 1) throw std::logic_error("AnalyticNetwork: workers must be >= 1");
  const bool with_switch = options.topology == TopologyKind::kSwitch;
  for (int m = 0; m < setup.workers; ++m) {
    const LinkOptions link = options.link_of(m);
    if (!(link.rate_bps > 0) || !(link.latency_s >= 0)) {
      throw std::logic_error("AnalyticNetwork: invalid link for worker " + std::to_string(m));
    }
    path_rate_bps_.push_back(with_switch ? std::min(link.rate_bps, options.server_link.rate_bps)
                                         : link.rate_bps);
    path_latency_s_.push_back(link.latency_s +
                              (with_switch ? options.server_link.latency_s : 0.0));
  }
  if (with_switch && !(options.server_link.rate_bps > 0)) {
    throw std::logic_error("AnalyticNetwork: invalid server link");
  }
  links_ = describe_links(options, setup.workers);
  traffic_.assign(links_.size(), LinkTraffic{});
}

double AnalyticNetwork::concurrent_time_s(const std::vector<int>& who,
                                          const std::vector<int64_t>& bytes,
                                          std::vector<double>* finish_s) const {
  double end_s = 0.0;
  double first_latency_s = std::numeric_limits<double>::infinity();
  double total_bytes = 0.0;
  for (size_t i = 0; i < who.size(); ++i) {
    const int m = who[i];
    const double t = path_latency_s_[m] + 8.0 * static_cast<double>(bytes[i]) / path_rate_bps_[m];
    if (finish_s != nullptr) finish_s->push_back(t);
    end_s = std::max(end_s, t);
    first_latency_s = std::min(first_latency_s, path_latency_s_[m]);
    total_bytes += static_cast<double>(bytes[i]);
  }
  if (options_.topology == TopologyKind::kSwitch && !who.empty()) {
    end_s = std::max(end_s, first_latency_s + 8.0 * total_bytes / options_.server_link.rate_bps);
  }
  return end_s;
}

TransferResult AnalyticNetwork::transfer(int64_t /*iteration*/,
                                         const std::vector<Upload>& uploads) {
  TransferResult result;
  result.start_s.reserve(uploads.size());
  result.finish_s.reserve(uploads.size());
  const int workers = static_cast<int>(path_rate_bps_.size());
  const bool with_switch = options_.topology == TopologyKind::kSwitch;
  std::vector<int> who;
  std::vector<int64_t> bytes;
  int previous = -1;
  for (const Upload& up : uploads) {
    if (up.worker <= previous || up.worker >= workers || up.payload_bytes < 0) {
      throw std::logic_error("AnalyticNetwork: uploads must be in increasing worker order, "
                             "within range, with non-negative sizes");
    }
    previous = up.worker;
    who.push_back(up.worker);
    bytes.push_back(up.payload_bytes);
    traffic_[up.worker].up_bytes += up.payload_bytes;
    if (with_switch) traffic_[workers].up_bytes += up.payload_bytes;
    result.wire_bytes += up.payload_bytes;
  }
  if (options_.schedule == ScheduleKind::kSequential) {
    double clock_s = 0.0;
    for (size_t i = 0; i < who.size(); ++i) {
      result.start_s.push_back(clock_s);
      clock_s += path_latency_s_[who[i]] +
                 8.0 * static_cast<double>(bytes[i]) / path_rate_bps_[who[i]];
      result.finish_s.push_back(clock_s);
    }
    result.comm_time_s = clock_s;
  } else {
    result.start_s.assign(who.size(), 0.0);
    result.comm_time_s = concurrent_time_s(who, bytes, &result.finish_s);
  }
  if (options_.downlink && model_bytes_ > 0) {
    std::vector<int> everyone(static_cast<size_t>(workers));
    for (int m = 0; m < workers; ++m) {
      everyone[m] = m;
      traffic_[m].down_bytes += model_bytes_;
    }
    if (with_switch) traffic_[workers].down_bytes += model_bytes_ * workers;
    result.comm_time_s += concurrent_time_s(everyone, std::vector<int64_t>(workers, model_bytes_),
                                            nullptr);
    result.wire_bytes += model_bytes_ * workers;
  }
  busy_s_ += result.comm_time_s;
  ++iterations_;
  return result;
}

nlohmann::json AnalyticNetwork::summary() const {
  return {{"backend", "analytic"},
          {"topology", to_string(options_.topology)},
          {"schedule", to_string(options_.schedule)},
          {"downlink", options_.downlink},
          {"iterations", iterations_},
          {"comm_time_s", busy_s_},
          {"links", links_to_json(links_, traffic_, busy_s_)}};
}

}  // namespace sasgsim
