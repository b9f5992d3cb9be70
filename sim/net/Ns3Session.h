// One live ns-3 simulation of the worker/server topology: M workers, each on its own
// point-to-point link to the server (or to a switch that reaches the server over an access
// link), each with one persistent TCP connection to the server. Iterations are simulated one
// after another from the current simulated time, so TCP state carries over between them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/net/LinkTraffic.h"
#include "sim/net/Network.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

struct SessionOutcome {
  TransferResult result;          // relative to the iteration's start
  std::vector<LinkTraffic> links; // workers' links 0..M-1, then the access link (switch only)
  int64_t packets = 0;            // packet transmissions simulated, every hop counted
};

struct Ns3SessionSetup {
  NetworkOptions options;
  int workers = 1;
  int64_t downlink_bytes = 0;  // size of the dense model message the downlink sends
  uint64_t seed = 42;
  // Simulated seconds one iteration may take before the simulation is declared stuck.
  double iteration_limit_s = 3600.0;
};

class Ns3Session {
 public:
  // Builds the topology and opens every worker's connection (the handshakes are simulated
  // before the first iteration and not counted in it).
  explicit Ns3Session(const Ns3SessionSetup& setup);
  ~Ns3Session();
  Ns3Session(const Ns3Session&) = delete;
  Ns3Session& operator=(const Ns3Session&) = delete;

  // Simulates one iteration starting now: the workers' computations (each upload starts its
  // costs at its computed_s, a server hosting worker 0 receives once worker 0 is done), the uploads (each
  // worker at most once, in increasing worker order) under the configured schedule, then the
  // downlink broadcast when `downlink` is set (once every worker is done computing, to each
  // remote worker once its ready message is in); the iteration lasts at least until its
  // slowest worker is done (the network idles meanwhile). `model_ready_s`, when given (by
  // worker, seconds from the iteration's start), says when each worker's ready message for
  // the model is in instead of simulating those messages. Throws std::runtime_error if the
  // iteration does not complete in time.
  SessionOutcome run(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                     bool downlink, const std::vector<double>& model_ready_s = {});

  int link_count() const;  // M, or M + 1 with a switch
  double now_s() const;    // current simulated time

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sasgsim
