// The "periodic" rule (local SGD): between uploads every worker takes local steps on a model of
// its own, x_m <- x_m - lr * g_m(x_m); every H-th iteration (t + 1 = H, 2H, ...) it uploads its
// model change since the last upload, Delta_m = sum of its lr * g steps (the message C(Delta_m),
// with error feedback C(Delta_m + e_m)); the server applies theta <- theta - sum_m decoded_m and
// every worker restarts from the new theta. With the server's sum over workers (not a mean),
// H = 1 is the always rule exactly.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/StepChecker.h"
#include "algorithms/rules/CompressedUpload.h"

namespace sasgsim {

class Periodic : public Algorithm {
 public:
  Periodic(const char* name, int64_t period, const CompressorOptions& compressor,
           bool error_feedback, const AlgorithmSetup& setup);

  void begin_iteration(const IterationContext& ctx) override;
  // x_m, worker m's local model.
  const torch::Tensor* gradient_point(int worker) const override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  ServerMemory server_memory() const override { return {}; }
  void visit_state(StateArchive& archive) override;  // x_m, Delta_m and the upload's state

  int64_t period() const { return period_; }
  const torch::Tensor& local_model(int worker) const;  // x_m
  const torch::Tensor& change(int worker) const;       // Delta_m since the last upload
  const torch::Tensor& error(int worker) const;        // e_m (with error feedback)

 private:
  StepChecker checker_;
  CompressedUpload upload_;
  int64_t period_;
  double lr_ = 0.0;
  bool uploads_now_ = false;       // t + 1 is a multiple of H
  torch::Tensor locals_;           // [M, n] x_m
  torch::Tensor changes_;          // [M, n] Delta_m
  std::vector<torch::Tensor> local_rows_;
  std::vector<torch::Tensor> change_rows_;
  torch::Tensor message_;          // [n] lr * g of the current worker
  torch::Tensor aggregate_;        // [n] sum of this iteration's decoded messages
};

}  // namespace sasgsim
