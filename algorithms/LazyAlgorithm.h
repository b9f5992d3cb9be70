// What LASG and SASG share: the call-order checks, the WK2 rule (LazyRule) that decides
// whether a worker uploads, and the server's reuse of every worker's last stored vector.
// Subclasses decide what an upload sends and how the stored vectors are summed.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/LazyRule.h"
#include "algorithms/LazyRuleOptions.h"
#include "algorithms/StepChecker.h"

namespace sasgsim {

class LazyAlgorithm : public Algorithm {
 public:
  void begin_iteration(const IterationContext& ctx) override;
  // theta_hat_m after warm-up (t >= D), where the rule compares the two gradients.
  const torch::Tensor* auxiliary_point(int worker) const override;
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

  int64_t tau(int worker) const;
  const torch::Tensor& theta_hat(int worker) const;  // throws before the worker's first upload

 protected:
  LazyAlgorithm(const char* name, const LazyRuleOptions& options, int workers,
                const std::vector<TensorSlice>& slices, torch::Device device);

  // Builds and stores worker m's upload from g_new (lr in lr()); fills out.values and
  // out.payload_bytes.
  virtual void store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) = 0;
  // aggregate = sum over workers (0, 1, ... in order) of the stored vectors.
  virtual void sum_stored(torch::Tensor& aggregate) = 0;

  double lr() const { return lr_; }
  // Workers whose vector the server holds (all of them after the first iteration).
  int64_t workers_stored() const;

  StepChecker checker_;

 private:
  WorkerOutcome apply(int worker, const LazyRule::Decision& d, const torch::Tensor& g_new);

  LazyRule rule_;
  double lr_ = 0.0;
  std::vector<char> has_stored_;
  torch::Tensor aggregate_;  // [n]
  bool batched_ = false;
  std::vector<char> pending_;   // per worker: decision deferred to decide_workers
  torch::Tensor pending_g_;     // [M, n] g_new of the deferred workers (allocated on first use)
  torch::Tensor pending_lhs_;   // [M + 1] float64: their ||g_new - g_old||^2, then thr
};

}  // namespace sasgsim
