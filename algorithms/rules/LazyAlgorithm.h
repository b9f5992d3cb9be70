// The "lazy" rule: LASG's WK2 rule (LazyRule) decides whether a worker uploads; an upload is
// C(lr * g_new) (with error feedback, C(lr * g_new + e_m); on a skip e_m is unchanged and the
// fresh gradient dropped); the server keeps every worker's last decoded message and applies
// theta <- theta - sum_m stored_m every iteration, reusing stale ones (with the lr of their
// time). LASG is lazy + identity, SASG lazy + topk + error feedback.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/LazyRule.h"
#include "algorithms/LazyRuleOptions.h"
#include "algorithms/StepChecker.h"
#include "algorithms/rules/CompressedUpload.h"

namespace sasgsim {

class LazyAlgorithm : public Algorithm {
 public:
  void begin_iteration(const IterationContext& ctx) override;
  // theta_hat_m after warm-up (t >= D), where the rule compares the two gradients.
  const torch::Tensor* auxiliary_point(int worker) const override;
  // After warm-up, on the CPU (where decisions are not deferred to decide_workers).
  bool takes_change() const override { return !batched_ && rule_.needs_old_gradient(); }
  void stage_change(int worker, double change, const GradientSource& g_new) override;
  // Applies the rule; on upload calls store_upload(), on skip sends nothing.
  WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                            const torch::Tensor& g_old) override;
  // Batched decisions (on by default when the buffers are on a CUDA device): after warm-up,
  // stage_worker computes ||g_new - g_old||^2 on the device and keeps a copy of g_new (M x n
  // floats in all); decide_workers fetches every worker's value and the threshold in one host
  // transfer, then decides and stores the uploads worker by worker, exactly as worker_step.
  // Off: stage_worker is worker_step (one host read per worker, free on the CPU).
  void stage_worker(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old) override;
  const std::vector<WorkerOutcome>& decide_workers() override;
  void set_batched_decisions(bool on) { batched_ = on; }
  bool batched_decisions() const { return batched_; }

  // theta <- theta - sum_m stored_m (workers in order), then records the parameter step.
  void server_step(torch::Tensor& theta) override;

  // What the compressor keeps of each stored message, for the workers whose message the
  // server holds (all of them after the first iteration).
  ServerMemory server_memory() const override;
  void visit_state(StateArchive& archive) override;

  LazyAlgorithm(const char* name, const LazyRuleOptions& options,
                const CompressorOptions& compressor, bool error_feedback,
                const AlgorithmSetup& setup);

  int64_t tau(int worker) const;
  const torch::Tensor& theta_hat(int worker) const;  // throws before the worker's first upload
  const torch::Tensor& error(int worker) const;      // e_m, flat [n] (with error feedback)
  // The compressor; slot m holds worker m's stored message.
  const Compressor& compressor() const { return upload_.compressor(); }

 protected:
  StepChecker checker_;

 private:
  WorkerOutcome apply(int worker, const LazyRule::Decision& d, const torch::Tensor& g_new);
  // Encodes worker m's upload C(lr * g_new) into its slot (the server's stored copy).
  void store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out);
  // aggregate = sum over workers (0, 1, ... in order) of the stored messages.
  void sum_stored(torch::Tensor& aggregate) const;

  LazyRule rule_;
  CompressedUpload upload_;
  double lr_ = 0.0;
  torch::Tensor message_;  // [n] lr * g of the current worker
  std::vector<char> has_stored_;
  torch::Tensor aggregate_;  // [n]
  bool batched_ = false;
  std::vector<char> pending_;   // per worker: decision deferred to decide_workers
  torch::Tensor pending_g_;     // [M, n] g_new of the deferred workers (allocated on first use)
  torch::Tensor pending_lhs_;   // [M + 1] float64: their ||g_new - g_old||^2, then thr
};

}  // namespace sasgsim
