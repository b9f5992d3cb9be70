// Fluid model of the network: the physical lower bound the packet-level backend is checked
// against. An upload of N bytes over a path of rate R and latency d takes d + 8N/R; with a
// switch the path rate is min(uplink, access link) and the latencies add, and transfers that
// share the access link cannot end before their total bytes have crossed it.
#pragma once

#include <vector>

#include "sim/net/LinkTraffic.h"
#include "sim/net/Network.h"

namespace sasgsim {

class AnalyticNetwork : public Network {
 public:
  AnalyticNetwork(const NetworkOptions& options, const NetworkSetup& setup);
  // sequential: the server receives one worker after another, in worker order;
  // concurrent: every upload starts at time 0. The downlink (when enabled) follows the uploads.
  TransferResult transfer(int64_t iteration, const std::vector<Upload>& uploads) override;
  std::string name() const override { return "analytic"; }
  nlohmann::json summary() const override;

 private:
  // Time for transfers of `bytes[i]` to/from worker `who[i]`, all started together.
  double concurrent_time_s(const std::vector<int>& who, const std::vector<int64_t>& bytes,
                           std::vector<double>* finish_s) const;

  NetworkOptions options_;
  int64_t model_bytes_;
  std::vector<double> path_rate_bps_;   // per worker: its link, capped by the access link
  std::vector<double> path_latency_s_;  // per worker: its link plus the access link
  std::vector<LinkDescription> links_;
  std::vector<LinkTraffic> traffic_;
  double busy_s_ = 0.0;
  int64_t iterations_ = 0;
};

}  // namespace sasgsim
