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
};

// One iteration's timing, seconds from the start of its communication; per upload, in the
// order of the uploads given. An upload's life: the sender prepares it (send costs) while the
// server posts its receive and the ready message travels (rendezvous); its first byte is
// offered when both are done; its last byte is delivered; the server then receives and
// aggregates it (receive and aggregation costs) when its CPU is free. A co-located worker 0's
// upload is not sent: its spans are empty up to its aggregation.
struct TransferResult {
  std::vector<double> prepared_s;   // the sender's costs done
  std::vector<double> ready_s;      // the receiver's ready message arrived at the sender
  std::vector<double> start_s;      // first byte offered: max(prepared, ready)
  std::vector<double> delivered_s;  // last byte at the server
  std::vector<double> finish_s;     // received and aggregated by the server
  // The iteration's communication time: from its start (the first receive posted, every
  // sender starting its costs) to the last upload aggregated, or with the downlink on, to the
  // last worker having received the model (0 when nobody uploads).
  double comm_time_s = 0.0;
  // Bytes that crossed the network, headers and retransmissions included (the analytic
  // backend counts payload only).
  int64_t wire_bytes = 0;
  void resize(size_t uploads);
};

class Network {
 public:
  virtual ~Network() = default;
  // Simulates one iteration's uploads. Uploads are given in worker order, each worker at most once.
  virtual TransferResult transfer(int64_t iteration, const std::vector<Upload>& uploads) = 0;
  virtual std::string name() const = 0;
  // What the backend has to say about the run so far (link traffic, utilisation, drops,
  // how the results were produced), for summary.json. Deterministic: no wall-clock figures.
  virtual nlohmann::json summary() const = 0;
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
