// The only ns-3 use so far: the linked library's version, recorded in every run's manifest.
#include <ns3/version.h>

#include "sim/net/Network.h"

namespace sasgsim {

std::string ns3_version() {
  return "ns-3." + std::to_string(ns3::Version::Major()) + "." +
         std::to_string(ns3::Version::Minor()) + "." + std::to_string(ns3::Version::Patch());
}

}  // namespace sasgsim
