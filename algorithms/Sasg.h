// SASG: LASG's lazy rule plus top-k with error feedback. On upload (warm-up, or the rule
// fires): p = lr * g_new + e_m; Delta_m = T_k(p); e_m = p - Delta_m; the server stores Delta_m
// sparse. On skip: e_m unchanged (the fresh gradient is dropped) and the server reuses the
// stored Delta_m. Server: theta <- theta - sum_m Delta_m.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/LazyRule.h"
#include "algorithms/StepChecker.h"
#include "algorithms/TopK.h"

namespace sasgsim {

class Sasg : public Algorithm {
 public:
  Sasg(const AlgorithmOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  void begin_iteration(const IterationContext& ctx) override;
  bool needs_old_gradient(int worker) const override;  // iff t >= D
  const torch::Tensor& theta_hat(int worker) const override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  // (kValueBytes + kIndexBytes) * k per worker whose sparse vector the server holds.
  int64_t server_memory_bytes() const override;

  int64_t tau(int worker) const;
  const torch::Tensor& error(int worker) const;           // e_m, flat [n]
  const torch::Tensor& stored_indices(int worker) const;  // int64 [k]
  const torch::Tensor& stored_values(int worker) const;   // float32 [k]

 private:
  StepChecker checker_;
  LazyRule rule_;
  TopK topk_;
  double lr_ = 0.0;
  torch::Tensor errors_;                   // [M, n]
  std::vector<torch::Tensor> error_rows_;
  torch::Tensor stored_indices_;           // [M, k] int64
  torch::Tensor stored_values_;            // [M, k]
  std::vector<torch::Tensor> index_rows_;
  std::vector<torch::Tensor> value_rows_;
  std::vector<char> has_stored_;
  torch::Tensor message_;                  // [n] lr * g of the current worker
  torch::Tensor aggregate_;                // [n]
};

}  // namespace sasgsim
