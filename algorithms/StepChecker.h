// Enforces the Algorithm call order (begin_iteration, then at most one worker_step per
// worker, then server_step once every worker has stepped) and the shape, dtype and device of
// every vector handed in. Each algorithm owns one, so a runtime bug fails loudly, always.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "models/FlatParameters.h"

namespace sasgsim {

// n, after checking that `slices` are non-empty tensors tiling [0, n) in order; throws
// std::invalid_argument naming `owner` otherwise.
int64_t checked_flat_numel(const std::vector<TensorSlice>& slices, const std::string& owner);

class StepChecker {
 public:
  // Throws std::invalid_argument unless workers >= 1 and numel >= 1. A device without an
  // index ("cuda") is resolved to the current one ("cuda:0"); see device().
  StepChecker(std::string algorithm, int workers, int64_t numel, torch::Device device);

  // Iterations must come as 0, 1, 2, ... each closed by server(); lr must be positive and
  // finite; theta must be a float32 [numel] vector on the device.
  void begin(const IterationContext& ctx);
  // g_old is checked only when given (when the algorithm asked for it).
  void worker(int worker, const torch::Tensor& g_new, const torch::Tensor* g_old);
  // The same for a worker step given no vectors (stage_change).
  void stepped(int worker, const char* where);
  void server(const torch::Tensor& theta);

  void check_worker(int worker, const char* where) const;
  // Throws unless `t` is a defined float32 [numel] vector on the device.
  void check_vector(const torch::Tensor& t, const char* what, const char* where) const;
  [[noreturn]] void fail(const char* where, const std::string& what) const;

  int workers() const { return workers_; }
  int64_t numel() const { return numel_; }
  const torch::Device& device() const { return device_; }
  int64_t iteration() const { return iteration_; }  // the open or last iteration, -1 before any
  void visit_state(StateArchive& archive);  // the last iteration

 private:
  std::string algorithm_;
  int workers_;
  int64_t numel_;
  torch::Device device_;
  int64_t iteration_ = -1;
  bool open_ = false;               // between begin() and server()
  std::vector<char> stepped_;       // per worker, this iteration
  int stepped_count_ = 0;
};

}  // namespace sasgsim
