// Distributed SGD (baseline): every worker uploads lr * g dense every iteration; the server
// applies theta <- theta - sum_m lr * g_m (a sum over workers, not a mean).
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/SgdOptions.h"
#include "algorithms/StepChecker.h"

namespace sasgsim {

class Sgd : public Algorithm {
 public:
  using Options = SgdOptions;

  Sgd(const SgdOptions& options, int workers, const std::vector<TensorSlice>& slices,
      torch::Device device);

  void begin_iteration(const IterationContext& ctx) override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  ServerMemory server_memory() const override { return {}; }

 private:
  StepChecker checker_;
  double lr_ = 0.0;
  torch::Tensor message_;    // [n] lr * g of the current worker
  torch::Tensor aggregate_;  // [n] sum of this iteration's messages
};

}  // namespace sasgsim
