// Small builders shared by the network tests.
#pragma once

#include "sim/net/Network.h"

namespace sasgsim {

// A pure network: a server card per worker, bare PPP framing, no per-message costs (the tests
// of those features set them).
inline NetworkOptions net_options(NetworkBackendKind backend, ScheduleKind schedule,
                                  double rate_bps = 1e9, double latency_s = 1e-4) {
  NetworkOptions o;
  o.backend = backend;
  o.schedule = schedule;
  o.topology = TopologyKind::kDirect;
  o.link = LinkOptions{rate_bps, latency_s};
  o.server_link.rate_bps = rate_bps;
  o.server_link.latency_s = 0.0;
  o.framing_bytes = 2;
  o.costs = MessageCosts::none();
  return o;
}

inline NetworkSetup net_setup(int workers, int64_t model_bytes = 0, uint64_t seed = 42) {
  NetworkSetup s;
  s.workers = workers;
  s.model_bytes = model_bytes;
  s.seed = seed;
  return s;
}

// The fluid lower bound of a lone transfer: latency + 8N / R.
inline double lone_bound_s(int64_t bytes, double rate_bps, double latency_s) {
  return latency_s + 8.0 * static_cast<double>(bytes) / rate_bps;
}

}  // namespace sasgsim
