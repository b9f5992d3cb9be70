// Runs one algorithm of a scenario: M simulated workers compute real LibTorch gradients on
// their minibatches, the algorithm decides what each uploads, the network backend times the
// uploads, the server rule updates theta; metrics, the uploads trace and a summary are written
// to the algorithm's results directory.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sim/runtime/LearningRate.h"
#include "sim/runtime/RunRecorder.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class Algorithm;
class BatchedGradients;
class ComputeClock;
class FlatParameters;
class Model;
class Network;
class StateArchive;
class TrainingData;
struct Batch;
struct IterationContext;

// A checkpoint of a few tens of MB costs about a second to write (bench/RESULTS.md): one a
// minute keeps that within a few percent of a long run and writes none in a short one.
constexpr double kDefaultCheckpointIntervalS = 60.0;

struct TrainerSettings {
  torch::Device device = torch::kCPU;
  int64_t iterations = 0;            // resolved from epochs when needed
  int64_t iterations_per_epoch = 0;
  std::string out_dir;               // this algorithm's results directory
  std::string progress_label;        // prefix of the progress line
  bool quiet = false;                // no progress line
  // Continue from the checkpoint in out_dir (checkpoint_file) instead of iteration 0.
  bool resume = false;
  // A checkpoint is written at the first evaluation at least this many host seconds after the
  // previous one (or the start); 0: at every evaluation.
  double checkpoint_interval_s = kDefaultCheckpointIntervalS;
};

// The checkpoint a run of one algorithm keeps in its results directory `dir`: written at
// evaluations that the run continues after (TrainerSettings::checkpoint_interval_s), removed
// when the run finishes.
std::string checkpoint_file(const std::string& dir);

class Trainer {
 public:
  Trainer(const Scenario& scenario, const AlgorithmConfig& algorithm, TrainingData& data,
          Network& network, TrainerSettings settings);
  ~Trainer();
  // Trains from freshly seeded initial weights; identical data order for every algorithm.
  // With settings.resume, continues from the checkpoint: the results equal, byte for byte,
  // those of a run never interrupted.
  RunSummary run();

 private:
  void set_up();
  void select_test_set();
  IterationContext context_at(int64_t t) const;
  void compute_workers();
  bool batched_now() const;
  void compute_workers_batched(const std::vector<Batch>& batches);
  std::vector<int> prepare_auxiliary(const std::vector<Batch>& batches);
  void compute_worker(int worker, const Batch& batch);
  void count_gradient(int worker, bool auxiliary);
  torch::Tensor gradient_at(const torch::Tensor& point, const Batch& batch);
  void record_uploads(int64_t t);
  void server_step();
  bool evaluation_due(int64_t t) const;
  // Evaluates on the test set and writes a metrics.csv row; returns the top-1 accuracy.
  double evaluate_and_record(int64_t t);
  // Everything a run carries from one iteration to the next (sim/checkpoint/StateArchive.h).
  void visit_state(StateArchive& archive);
  void visit_own_state(StateArchive& archive);
  bool checkpoint_due() const;
  void save_checkpoint();
  // Restores the checkpoint; returns the iteration to continue from.
  int64_t restore_checkpoint();
  double host_seconds() const;  // of this run, over every process that worked on it

  const Scenario& scenario_;
  const AlgorithmConfig& config_;
  TrainingData& data_;
  Network& network_;
  TrainerSettings settings_;
  LearningRate schedule_;

  // Built by set_up(), for one run.
  std::shared_ptr<Model> model_;    // theta^t, shared by every worker's forward/backward
  std::shared_ptr<Model> scratch_;  // a view of theta_hat_m for auxiliary gradients
  std::unique_ptr<FlatParameters> flat_;
  std::unique_ptr<FlatParameters> flat_hat_;
  std::unique_ptr<Algorithm> algorithm_;
  std::unique_ptr<ComputeClock> clock_;
  // The batched path (null: per worker): every g_new at theta^t, and the g_old asked for.
  std::unique_ptr<BatchedGradients> new_pass_;
  std::unique_ptr<BatchedGradients> old_pass_;
  torch::Tensor g_new_;  // batched path: [n], the worker's gradients in turn
  torch::Tensor g_old_;
  std::unique_ptr<RunRecorder> recorder_;
  torch::Tensor test_images_;
  torch::Tensor test_labels_;
  std::vector<UploadRecord> uploads_;  // this iteration's, reused across iterations
  torch::Tensor loss_sum_;          // minibatch losses since the last evaluation (on the device)
  int64_t losses_in_window_ = 0;
  RunSummary summary_;
  std::chrono::steady_clock::time_point host_start_;
  std::chrono::steady_clock::time_point last_checkpoint_;  // or the start
  double earlier_host_seconds_ = 0.0;  // of the processes before a resume
};

}  // namespace sasgsim
