// LASG with the WK2 rule (dense, lazily aggregated): a worker uploads lr * g_new only when
// LazyRule says so; the server keeps each worker's last upload and applies
// theta <- theta - sum_m stored_m every iteration, reusing stale vectors (with the lr of
// their time) for workers that skipped.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/LazyRule.h"
#include "algorithms/StepChecker.h"

namespace sasgsim {

class Lasg : public Algorithm {
 public:
  Lasg(const AlgorithmOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  void begin_iteration(const IterationContext& ctx) override;
  bool needs_old_gradient(int worker) const override;  // iff t >= D
  const torch::Tensor& theta_hat(int worker) const override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  // 4n bytes per worker whose vector the server holds (M * 4n after iteration 0).
  int64_t server_memory_bytes() const override;

  int64_t tau(int worker) const;
  // The server's stored lr * g for `worker`, flat [n] (zeros before its first upload).
  const torch::Tensor& stored(int worker) const;

 private:
  StepChecker checker_;
  LazyRule rule_;
  double lr_ = 0.0;
  torch::Tensor stored_;                  // [M, n]
  std::vector<torch::Tensor> stored_rows_;
  std::vector<char> has_stored_;
  torch::Tensor aggregate_;               // [n]
};

}  // namespace sasgsim
