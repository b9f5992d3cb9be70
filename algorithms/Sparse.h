// Sparse (baseline): top-k with error feedback. Every worker, every iteration:
// p = lr * g + e_m; Delta_m = T_k(p); e_m = p - Delta_m; upload Delta_m (values + indices).
// Server: theta <- theta - sum_m Delta_m.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/SparseOptions.h"
#include "algorithms/StepChecker.h"
#include "algorithms/TopK.h"

namespace sasgsim {

class Sparse : public Algorithm {
 public:
  using Options = SparseOptions;

  Sparse(const SparseOptions& options, int workers, const std::vector<TensorSlice>& slices,
         torch::Device device);

  void begin_iteration(const IterationContext& ctx) override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  ServerMemory server_memory() const override { return {}; }

  // e_m, flat [n] (for inspection and tests).
  const torch::Tensor& error(int worker) const;
  // The last upload's kept positions and values (valid until the next worker_step).
  const torch::Tensor& last_indices() const { return indices_; }
  const torch::Tensor& last_values() const { return values_; }

 private:
  StepChecker checker_;
  TopK topk_;
  double lr_ = 0.0;
  torch::Tensor errors_;                 // [M, n]
  std::vector<torch::Tensor> error_rows_;
  torch::Tensor message_;                // [n] lr * g of the current worker
  torch::Tensor indices_;                // [k] int64
  torch::Tensor values_;                 // [k]
  torch::Tensor aggregate_;              // [n] sum of this iteration's Delta_m
};

}  // namespace sasgsim
