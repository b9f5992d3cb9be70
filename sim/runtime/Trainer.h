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

#include "sim/runtime/RunRecorder.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class Network;
class TrainingData;

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
