// The Algorithm interface: a worker-side rule (what each worker uploads, or whether it skips)
// and a server-side rule (how the stored or fresh vectors update theta). The runtime owns the
// model and computes the gradients each algorithm asks for; an Algorithm only sees flat vectors
// (see FlatParameters). Each algorithm's options, name and traits live in its options header
// (e.g. SasgOptions.h), listed in Catalog.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <torch/types.h>

#include "algorithms/AlgorithmSetup.h"
#include "algorithms/Wire.h"
#include "models/FlatParameters.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

class StateArchive;

// What the runtime tells the algorithm at the start of iteration t.
struct IterationContext {
  int64_t iteration = 0;    // t, from 0
  double lr = 0.0;          // alpha at t
  double threshold_lr = 0.0;  // the learning rate one epoch behind the schedule (lagged form)
  torch::Tensor theta;      // theta^t, flat [n]; valid until server_step
};

// What one worker did in one iteration.
struct WorkerOutcome {
  bool uploaded = false;
  bool forced = false;          // uploaded because tau > D although the rule said skip
  int64_t values = 0;           // transmitted values (32-bit each; paper_bits = 32 * values)
  int64_t payload_bytes = 0;    // encoded message size, header included
  double compression_cost = 0.0;  // compression work, in top-k selections (charged as compute)
  double lhs = 0.0;             // ||g_new - g_old||^2 when the rule was evaluated, else 0
  double threshold = 0.0;       // thr when the rule was evaluated, else 0
};

// Bytes the server holds for stale per-worker vectors: the values, and the indices of sparse
// ones (the paper's Table III counts values only).
struct ServerMemory {
  int64_t value_bytes = 0;
  int64_t index_bytes = 0;
  int64_t total_bytes() const { return value_bytes + index_bytes; }
};

struct AlgorithmSetup {
  int workers = 0;                  // M
  std::vector<TensorSlice> slices;  // the model's parameter tensors in the flat vector
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;                // the run's seed (stochastic compressors)
};

class Algorithm {
 public:
  virtual ~Algorithm() = default;

  // Called once per iteration, before any worker_step.
  virtual void begin_iteration(const IterationContext& ctx) = 0;

  // Where worker m's gradient g_new is taken: nullptr, the default, for theta^t; the periodic
  // rule's local model otherwise. Valid until worker_step.
  virtual const torch::Tensor* gradient_point(int worker) const;

  // Where worker m also needs its gradient in this iteration, on the same minibatch: g_old =
  // g_m(*point; B) (theta_hat_m, flat [n], for the lazy rule after warm-up). nullptr, the
  // default, when g_m(theta^t; B) is all it needs.
  virtual const torch::Tensor* auxiliary_point(int worker) const;

  // Worker rule. g_new = g_m(theta^t; B) (raw gradient, no lr), g_old is defined only when
  // auxiliary_point(worker) was non-null. Both buffers are reused after the call: copy what is
  // kept.
  virtual WorkerOutcome worker_step(int worker, const torch::Tensor& g_new,
                                    const torch::Tensor& g_old) = 0;

  // The worker rule in two phases, so that a device can batch its host syncs: stage_worker
  // for each worker in order, then decide_workers() once, which returns every worker's
  // outcome (index = worker). The same decisions and state as worker_step for each worker in
  // order. By default stage_worker runs worker_step at once; LASG and SASG on a CUDA device
  // defer their decisions (which need ||g_new - g_old||^2 on the host) to decide_workers,
  // which fetches all of them in one transfer. g_new and g_old may be reused after the call.
  virtual void stage_worker(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old);
  virtual const std::vector<WorkerOutcome>& decide_workers();

  // Whether the server update needs only the sum over workers of g_m(theta^t; B_m) (dense
  // SGD: every worker uploads lr * g_m uncompressed): then the runtime may compute just that
  // sum and call stage_sum(g_sum) instead of stage_worker for each worker. The same outcomes,
  // and the same update to float rounding (lr * sum instead of a sum of lr * g_m).
  virtual bool sums_gradients() const { return false; }
  // Throws std::logic_error where sums_gradients() is false.
  virtual void stage_sum(const torch::Tensor& g_sum);

  // Whether worker m's rule this iteration needs of g_new and g_old only ||g_new - g_old||^2,
  // and g_new itself only if it uploads (the lazy rule after warm-up, deciding on the host):
  // then the runtime may compute that number without forming the two gradients and call
  // stage_change(m, change, g_new), which forms g_new by calling it, only for an upload. The
  // same decisions and state as stage_worker given the same number.
  using GradientSource = std::function<const torch::Tensor&()>;
  virtual bool takes_change() const { return false; }
  // Throws std::logic_error where takes_change() is false.
  virtual void stage_change(int worker, double change, const GradientSource& g_new);

  // Server rule: theta <- theta - sum over workers of the fresh or stored vectors, in place.
  // Called once per iteration after every worker_step (or after decide_workers).
  virtual void server_step(torch::Tensor& theta) = 0;

  // What the server holds for stale per-worker vectors (nothing for SGD and Sparse).
  virtual ServerMemory server_memory() const = 0;

  // What the algorithm keeps from one iteration to the next (sim/checkpoint/StateArchive.h),
  // saved into a checkpoint between iterations and restored when a run resumes.
  virtual void visit_state(StateArchive& archive) = 0;

 protected:
  std::vector<WorkerOutcome> staged_;  // outcomes of this iteration's stage_worker calls
};

// Builds the algorithm a scenario entry names (its type in Catalog.h). Options are already
// validated by the scenario parser; invariants are still checked.
std::unique_ptr<Algorithm> make_algorithm(const AlgorithmConfig& config, const AlgorithmSetup& setup);

}  // namespace sasgsim
