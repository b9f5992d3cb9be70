// The run's data: the training set split into one shard per worker, each worker's minibatch
// stream (reshuffled every pass over its shard), optional augmentation, and the test set.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <torch/types.h>

#include "sim/data/Dataset.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class StateArchive;

struct Batch {
  torch::Tensor images;  // float32 [b, C, H, W]
  torch::Tensor labels;  // int64 [b]
};

class TrainingData {
 public:
  // Loads the scenario's dataset(s) and builds the partition. Under by_dataset, even workers
  // draw from data.dataset and odd workers from data.second; the test set is both test sets
  // concatenated and samples are brought to one shape (grayscale replicated to 3 channels,
  // zero padding to the larger height/width, filled with each dataset's normalized black).
  // Throws DataError for unusable data: missing/malformed files, irreconcilable shapes, or a
  // worker's shard smaller than one batch.
  explicit TrainingData(const Scenario& scenario);

  // Starts every worker's stream over, so each algorithm sees identical minibatches.
  void reset();
  // The next minibatch of `worker` (batch_size samples, drop-last within each pass).
  Batch next_batch(int worker);
  // Where each worker's stream is (StateArchive.h): its pass, position and augmentation draws.
  void visit_state(StateArchive& archive);

  const Dataset& test() const { return test_; }
  // The whole training set (all shards, in the common shape), for tests and reports.
  const Dataset& train() const { return train_; }
  const std::vector<int64_t>& input_shape() const { return input_shape_; }  // {C, H, W}
  int64_t classes() const { return classes_; }
  int64_t train_size() const { return train_.size(); }
  // floor(train size / (workers * batch_size)): the iterations of one epoch.
  int64_t iterations_per_epoch() const;
  // Indices (into the training set) of each worker's shard, for tests and reports.
  const std::vector<torch::Tensor>& shards() const { return shards_; }

 private:
  // Shuffles `worker`'s shard for pass pass_[worker] and reseeds its augmentation draws.
  void start_pass(int worker);

  Dataset train_;
  Dataset test_;
  std::vector<int64_t> input_shape_;
  int64_t classes_ = 0;
  int64_t batch_size_ = 0;
  int workers_ = 0;
  uint64_t seed_ = 0;
  AugmentOptions augment_;
  std::vector<torch::Tensor> shards_;     // int64 indices per worker
  std::vector<torch::Tensor> order_;      // current pass order per worker
  std::vector<int64_t> cursor_;           // next position in order_
  std::vector<int64_t> pass_;             // completed passes per worker
  std::vector<std::mt19937_64> augment_rng_;  // per worker, reseeded at every pass
  std::vector<std::vector<float>> pad_value_; // per worker: normalized black, per channel
};

}  // namespace sasgsim
