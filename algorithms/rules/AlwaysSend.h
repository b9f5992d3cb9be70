// The "always" rule: every worker uploads every iteration. Worker m sends C(lr * g_m) (with
// error feedback, C(lr * g_m + e_m)); the server applies theta <- theta - sum_m decoded_m (a sum
// over workers, not a mean). SGD is always + identity, Sparse always + topk + error feedback.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/StepChecker.h"
#include "algorithms/rules/CompressedUpload.h"

namespace sasgsim {

class AlwaysSend : public Algorithm {
 public:
  AlwaysSend(const char* name, const CompressorOptions& compressor, bool error_feedback,
             const AlgorithmSetup& setup);

  void begin_iteration(const IterationContext& ctx) override;
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  void server_step(torch::Tensor& theta) override;
  // Uncompressed uploads without error feedback (SGD): the server needs only lr * sum_m g_m.
  bool sums_gradients() const override { return sums_gradients_; }
  void stage_sum(const torch::Tensor& g_sum) override;
  ServerMemory server_memory() const override { return {}; }
  void visit_state(StateArchive& archive) override;

  // e_m, flat [n] (with error feedback).
  const torch::Tensor& error(int worker) const;
  // The compressor; its slot 0 holds the last upload (valid until the next worker_step).
  const Compressor& compressor() const { return upload_.compressor(); }

 private:
  StepChecker checker_;
  CompressedUpload upload_;
  bool sums_gradients_;
  double lr_ = 0.0;
  torch::Tensor message_;    // [n] lr * g of the current worker
  torch::Tensor aggregate_;  // [n] sum of this iteration's decoded messages
};

}  // namespace sasgsim
