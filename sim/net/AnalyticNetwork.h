// Fluid model of the network: the physical lower bound the packet-level backend is checked
// against. A message of N bytes over a path of rate R and latency d takes d + 8N/R; with a
// switch the path rate is min(worker link, server card) and the latencies add, and transfers
// that share the server card cannot end before their total bytes have crossed it. The hosts'
// costs and the rendezvous (network.costs) are added around it as MessageTiming says; framing,
// headers and TCP are not modelled.
#pragma once

#include <vector>

#include "sim/net/LinkTraffic.h"
#include "sim/net/Network.h"

namespace sasgsim {

class AnalyticNetwork : public Network {
 public:
  AnalyticNetwork(const NetworkOptions& options, const NetworkSetup& setup);
  std::string name() const override { return "analytic"; }
  nlohmann::json summary() const override;

 protected:
  // sequential: the server receives one worker after another, in worker order; concurrent:
  // every receive is posted when the server's computation is done. The downlink (when
  // enabled) follows.
  TransferResult simulate(int64_t iteration, const std::vector<Upload>& uploads,
                          const ComputeSpan& compute) override;

 private:
  struct Path {
    double up_rate_bps = 0.0;    // worker -> server: its link, capped by the server card
    double down_rate_bps = 0.0;  // server -> worker
    double latency_s = 0.0;      // its link plus the server card's
  };
  // Wire time of a message of `bytes` over a path of `rate_bps`.
  double leg_s(const Path& p, double rate_bps, int64_t bytes) const;
  void concurrent(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                  TransferResult& out) const;
  // The model broadcast, prepared from `start_s`, to every remote worker once its ready message
  // is in (`ready_s`, by worker); returns its end.
  double downlink_end_s(double start_s, const std::vector<double>& ready_s) const;
  void account(const std::vector<Upload>& uploads);

  NetworkOptions options_;
  int64_t model_bytes_;
  std::vector<Path> paths_;             // per worker
  std::vector<LinkDescription> links_;
  std::vector<LinkTraffic> traffic_;
};

}  // namespace sasgsim
