// The network backend interface: it owns simulated communication time. Given one iteration's
// uploads it returns when each finishes; analytic and packet-level backends sit behind it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// One worker-to-server message of an iteration.
struct Upload {
  int worker = 0;
  int64_t payload_bytes = 0;
  double computed_s = 0.0;  // its worker's computation done, from the iteration's start
};

// The iteration's computation as the network needs it, seconds from the iteration's start
// (every worker starting to compute): a server that hosts worker 0 begins receiving when
// worker 0's computation is done (a dedicated one at once), and the iteration cannot end
// before its slowest worker, uploading or not, is done.
// With the downlink on, every remote worker posts its receive of the model once its own part
// is done (a ready message to the server): an uploading worker after its upload, in the same
// stream; a worker that does not upload when its computation is done, workers_s.
struct ComputeSpan {
  double worker0_s = 0.0;
  double slowest_s = 0.0;
  std::vector<double> workers_s;  // each worker's computation done; empty: each at slowest_s
  double worker_s(int worker) const {
    return workers_s.empty() ? slowest_s : workers_s.at(static_cast<size_t>(worker));
  }
};

// One iteration's timing, seconds from the iteration's start (every worker starting to
// compute); per upload, in the order of the uploads given. An upload's life: when its worker's
// computation is done the sender prepares it (send costs) while the server, once its own
// computation is done, posts its receive and the ready message travels (rendezvous); its first
// byte is offered when both are done; its last byte is delivered; the server then receives and
// aggregates it (receive and aggregation costs) when its CPU is free. A co-located worker 0's
// upload is not sent: its spans are empty up to its aggregation. The model, with the downlink
// on, goes to each remote worker when it is prepared and that worker's ready message is in.
struct TransferResult {
  std::vector<double> prepared_s;   // the sender's costs done
  std::vector<double> ready_s;      // the receiver's ready message arrived at the sender
  std::vector<double> start_s;      // first byte offered: max(prepared, ready)
  std::vector<double> delivered_s;  // last byte at the server
  std::vector<double> finish_s;     // received and aggregated by the server
  // The last upload aggregated, or with the downlink on, the last worker having received the
  // model, which the server sends when the uploads are aggregated and every worker is done
  // computing (0 when nothing is sent).
  double end_s = 0.0;
  // The iteration's communication time: how long it lasts beyond its slowest worker's
  // computation, max(end_s, slowest) - slowest. Uploads of workers that finish computing
  // earlier overlap the stragglers' computation.
  double comm_time_s = 0.0;
  // Bytes that crossed the network, headers and retransmissions included (the analytic
  // backend counts payload only).
  int64_t wire_bytes = 0;
  void resize(size_t uploads);
};

class Network {
 public:
  virtual ~Network() = default;
  // Simulates one iteration's uploads, given in worker order, each worker at most once, their
  // computed_s within the span. Throws std::logic_error for times that are negative, not
  // finite or beyond the span.
  TransferResult transfer(int64_t iteration, const std::vector<Upload>& uploads,
                          const ComputeSpan& compute = {});
  virtual std::string name() const = 0;
  // What the backend has to say about the run so far (link traffic, utilisation, drops,
  // how the results were produced), for summary.json. Deterministic: no wall-clock figures.
  virtual nlohmann::json summary() const = 0;

 protected:
  // The backend's part of transfer(): every time but comm_time_s.
  virtual TransferResult simulate(int64_t iteration, const std::vector<Upload>& uploads,
                                  const ComputeSpan& compute) = 0;
  int64_t iterations() const { return iterations_; }
  double comm_time_total_s() const { return comm_time_total_s_; }  // the run's so far

 private:
  int64_t iterations_ = 0;
  double comm_time_total_s_ = 0.0;
};

// What a backend needs beyond the scenario's network section.
struct NetworkSetup {
  int workers = 1;              // M
  int64_t model_bytes = 0;      // the dense model message the downlink sends to every worker
  uint64_t seed = 42;           // the scenario's seed
};

// Builds the backend the scenario names.
std::unique_ptr<Network> make_network(const NetworkOptions& options, const NetworkSetup& setup);

// Problems with the scenario's network settings that only the network library can see
// (ns-3 names and values), each with its JSON path; empty when the settings are usable.
std::vector<ScenarioIssue> check_network(const NetworkOptions& options);

// The version string of the linked ns-3 library (e.g. "ns-3.37").
std::string ns3_version();

}  // namespace sasgsim
