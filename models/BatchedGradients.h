// Every worker's gradient from one pass over the M x b samples of an iteration, instead of one
// autograd forward/backward pass per worker. A model with such a path computes each worker's
// gradient of its own mean cross-entropy at that worker's point (theta^t for all, or
// LASG/SASG's theta_hat_m): workers at the same point (the same tensor) share one forward and
// backward pass over all their samples; each worker's parameter gradient is then formed on
// demand from its samples' part (or their sum, for SGD). Gradients are laid out as
// FlatParameters lays out one model's.
// Models without such a path (make_batched_gradients returns nullptr) use the per-worker one.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/types.h>

#include "models/FlatParameters.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class BatchedGradients {
 public:
  virtual ~BatchedGradients() = default;
  // The forward and backward passes of K workers: points holds one flat [n] vector per worker,
  // images [K * b, ...] and labels [K * b] their minibatches in the same order, b samples
  // each. Keeps what their parameter gradients are made of (per sample, small) until the next
  // call, and returns the sum over workers of their mean losses (a 0-dim tensor).
  virtual torch::Tensor prepare(const std::vector<torch::Tensor>& points,
                                const torch::Tensor& images, const torch::Tensor& labels) = 0;
  // Worker k's gradient (the k-th of the last prepare) into `out` (flat [n], float32), one
  // worker at a time so that the algorithm reads it while it is in cache.
  virtual void gradient(int64_t k, torch::Tensor& out) const = 0;
  // The sum of every prepared worker's gradient into `out`; all of them at one point.
  virtual void summed(torch::Tensor& out) const = 0;
  // ||g_k - g'_j||^2 for this pass's worker k and `other`'s worker j (a pass of the same model
  // on the same minibatch, at another point), without forming either gradient.
  virtual double squared_change(int64_t k, const BatchedGradients& other, int64_t j) const = 0;
};

// The batched path of `kind` for parameters laid out as `slices` on `device`, or nullptr when
// the model has none there: fc512 has one everywhere; cnn's (grouped convolutions, see
// CnnBatched.cpp) only on CUDA, because LibTorch 1.13's CPU grouped convolutions made it about
// 10x slower than the per-worker passes (bench/RESULTS.md); resnet18 has none yet.
std::unique_ptr<BatchedGradients> make_batched_gradients(ModelKind kind,
                                                         const std::vector<TensorSlice>& slices,
                                                         torch::Device device);

}  // namespace sasgsim
