#include <stdexcept>

#include "sim/net/AnalyticNetwork.h"
#include "sim/net/Network.h"
#include "sim/net/Ns3Globals.h"
#include "sim/net/Ns3Network.h"

namespace sasgsim {

std::unique_ptr<Network> make_network(const NetworkOptions& options, const NetworkSetup& setup) {
  switch (options.backend) {
    case NetworkBackendKind::kAnalytic:
      return std::make_unique<AnalyticNetwork>(options, setup);
    case NetworkBackendKind::kNs3:
      return std::make_unique<Ns3Network>(options, setup);
  }
  throw std::logic_error("make_network: unknown backend");
}

std::vector<ScenarioIssue> check_network(const NetworkOptions& options) {
  return Ns3Globals::check(options);
}

}  // namespace sasgsim
