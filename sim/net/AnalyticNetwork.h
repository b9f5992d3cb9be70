// Size/bandwidth model of the uplinks: an upload of N bytes over rate R and latency d takes
// d + 8N/R. It is the physical lower bound that the packet-level backend is checked against.
#pragma once

#include <vector>

#include "sim/net/Network.h"

namespace sasgsim {

class AnalyticNetwork : public Network {
 public:
  AnalyticNetwork(const NetworkOptions& options, int workers);
  // sequential: the server receives one worker after another, in worker order;
  // concurrent: every upload starts at time 0 on its own uplink.
  TransferResult transfer(int64_t iteration, const std::vector<Upload>& uploads) override;
  std::string name() const override { return "analytic"; }

 private:
  ScheduleKind schedule_;
  std::vector<LinkOptions> links_;  // per worker
};

}  // namespace sasgsim
