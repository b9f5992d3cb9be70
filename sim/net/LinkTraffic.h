// Traffic counters of the simulated links and their summary for summary.json; shared by the
// network backends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// Traffic on one link during some simulated interval. "up" is the direction towards the
// server (sent by the worker, or by the switch on the server's access link), "down" the other.
struct LinkTraffic {
  int64_t up_bytes = 0;     // bytes put on the wire (the analytic backend: payload bytes)
  int64_t down_bytes = 0;
  int64_t up_packets = 0;   // packets put on the wire (0 for the analytic backend)
  int64_t down_packets = 0;
  int64_t up_drops = 0;     // packets dropped by the full drop-tail queue feeding the link
  int64_t down_drops = 0;
  int64_t up_lost = 0;      // packets lost on the link (network.loss)
  int64_t down_lost = 0;
  LinkTraffic& operator+=(const LinkTraffic& other);
  LinkTraffic operator-(const LinkTraffic& other) const;
};

// One link's identity for the summary.
struct LinkDescription {
  std::string name;       // "worker 3" or "server access"
  double up_rate_bps = 0.0;
  double down_rate_bps = 0.0;
  double latency_s = 0.0;
};

// Bytes that entered the network on links laid out as describe_links() has them (the workers'
// links, then with a switch the server's): each packet counts once, where it entered, not
// again where a switch forwards it.
int64_t wire_bytes(const std::vector<LinkTraffic>& links, int workers, bool with_switch);

// The links of the topology: workers 0..M-1, then the server access link with a switch.
std::vector<LinkDescription> describe_links(const NetworkOptions& options, int workers);

// The "links" array of summary.json: per link and direction, bytes, packets, drops and
// utilisation = 8 * bytes / rate / busy_s, where busy_s is the run's total communication
// time (the simulated time during which the network was in use).
nlohmann::json links_to_json(const std::vector<LinkDescription>& links,
                             const std::vector<LinkTraffic>& traffic, double busy_s);

}  // namespace sasgsim
