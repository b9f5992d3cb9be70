// Runs one algorithm of a scenario: M simulated workers compute real LibTorch gradients on
// their minibatches, the algorithm decides what each uploads, the network backend times the
// uploads, the server rule updates theta; metrics, the uploads trace and a summary are written
// to the algorithm's results directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

class Network;
class TrainingData;

// Cumulative figures of a run (or of the run up to the target accuracy).
struct Counters {
  int64_t iteration = 0;  // iterations completed
  int64_t rounds = 0;
  int64_t skipped = 0;
  int64_t paper_bits = 0;
  int64_t payload_bytes = 0;
  int64_t wire_bytes = 0;
  double comm_time_s = 0.0;
};

struct RunSummary {
  std::string algorithm;   // label
  std::string kind;        // sgd, sparse, lasg, sasg
  Counters total;
  double final_test_acc = 0.0;
  double final_test_top5_acc = 0.0;
  double final_test_loss = 0.0;
  int64_t server_memory_bytes = 0;      // at the end of the run
  int64_t max_server_memory_bytes = 0;  // largest during the run
  std::optional<double> target_accuracy;
  std::optional<Counters> at_target;    // first evaluation reaching the target
  double host_seconds = 0.0;            // wall-clock time of this process (not simulated)
  double network_host_seconds = 0.0;    // part of host_seconds spent in the network backend
  nlohmann::json network;               // the network backend's summary (links, drops, mode)
  nlohmann::json to_json() const;       // summary.json (host_seconds excluded: deterministic)
};

struct TrainerSettings {
  torch::Device device = torch::kCPU;
  int64_t iterations = 0;            // resolved from epochs when needed
  int64_t iterations_per_epoch = 0;
  std::string out_dir;               // this algorithm's results directory
  std::string progress_label;        // prefix of the progress line
  bool quiet = false;                // no progress line
};

class Trainer {
 public:
  Trainer(const Scenario& scenario, const AlgorithmOptions& algorithm, TrainingData& data,
          Network& network, TrainerSettings settings);
  // Trains from freshly seeded initial weights; identical data order for every algorithm.
  RunSummary run();

 private:
  const Scenario& scenario_;
  const AlgorithmOptions& algorithm_;
  TrainingData& data_;
  Network& network_;
  TrainerSettings settings_;
};

}  // namespace sasgsim
