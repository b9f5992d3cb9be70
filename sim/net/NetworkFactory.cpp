#include <stdexcept>

#include "sim/net/AnalyticNetwork.h"
#include "sim/net/Network.h"

namespace sasgsim {

std::unique_ptr<Network> make_network(const NetworkOptions& options, int workers) {
  switch (options.backend) {
    case NetworkBackendKind::kAnalytic:
      return std::make_unique<AnalyticNetwork>(options, workers);
  }
  throw std::logic_error("make_network: unknown backend");
}

}  // namespace sasgsim
