// Runs one algorithm of a scenario: M simulated workers compute real LibTorch gradients on
// their minibatches, the algorithm decides what each uploads, the network backend times the
// uploads, the server rule updates theta; metrics, the uploads trace and a summary are written
// to the algorithm's results directory.
#pragma once

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
class TrainingData;
struct Batch;
struct IterationContext;

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
  Trainer(const Scenario& scenario, const AlgorithmConfig& algorithm, TrainingData& data,
          Network& network, TrainerSettings settings);
  ~Trainer();
  // Trains from freshly seeded initial weights; identical data order for every algorithm.
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
};

}  // namespace sasgsim
