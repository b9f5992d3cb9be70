// The LASG-WK2 lazy-upload rule shared by Lasg and Sasg (SPEC-algorithms.md): per-worker
// delay counters tau_m and parameters theta_hat_m at the last upload, the server's history of
// squared parameter steps, and the per-iteration threshold
//   thr = kappa * sum_{d=1}^{D-1} ||theta^{t+1-d} - theta^{t-d}||^2 / (c_factor * lr_c * M^2)
// or, when xi is given, thr = sum_d xi_d ||theta^{t+1-d} - theta^{t-d}||^2 / (lr_c^2 * M^2),
// with lr_c the current or the lagged learning rate. Warm-up (t < D): everyone uploads and
// tau stays 0. Afterwards: upload iff ||g_new - g_old||^2 > thr or tau_m > D.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/LazyRuleOptions.h"

namespace sasgsim {

class LazyRule {
 public:
  // What the rule decided for one worker in one iteration.
  struct Decision {
    bool upload = false;
    bool forced = false;     // tau_m > D made it upload although lhs <= thr
    bool evaluated = false;  // false in warm-up, where lhs and threshold are 0
    double lhs = 0.0;        // ||g_new - g_old||^2
    double threshold = 0.0;  // thr
  };

  // Uses options.max_delay (D >= 1), kappa (>= 0), c_factor (> 0), threshold_lr and xi
  // (empty or D-1 finite values); throws std::invalid_argument naming `owner` otherwise.
  // Buffers: (M + 1) * n floats for theta_hat snapshots, n floats of scratch.
  LazyRule(const std::string& owner, const LazyRuleOptions& options, int workers,
           int64_t numel, torch::Device device);

  // Starts iteration t = ctx.iteration (the caller has checked the call order) and, for
  // t >= D, computes the threshold on the device.
  void begin_iteration(const IterationContext& ctx);
  bool in_warm_up() const { return iteration_ < max_delay_; }
  bool needs_old_gradient() const { return iteration_ >= max_delay_; }

  // Applies the rule for `worker`; on upload snapshots theta^t as theta_hat_m and sets tau_m
  // (to 1, or leaves it in warm-up); on skip increments tau_m. g_old is read only after
  // warm-up. Host sync: one transfer of (lhs, thr) per evaluated worker.
  Decision decide(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old);

  // decide() in two steps, for a caller that batches the host syncs of all workers (after
  // warm-up only): lhs_into writes ||g_new - g_old||^2 as float64 into the 0-d tensor `out`
  // on the device, without a host sync; decide_with applies the rule to the fetched lhs and
  // threshold() value. The same arithmetic as decide(), so the same decisions.
  void lhs_into(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old,
                torch::Tensor out);
  const torch::Tensor& threshold() const { return threshold_; }  // 0-d float64, t >= D
  // decide() given lhs = ||g_new - g_old||^2 already on the host.
  Decision decide_by_change(int worker, double lhs);
  Decision decide_with(int worker, double lhs, double threshold);

  // theta <- theta - aggregate, then records ||theta^{t+1} - theta^t||^2 computed from the
  // parameter values before and after the update.
  void update(torch::Tensor& theta, const torch::Tensor& aggregate);

  // theta_hat_m; throws std::logic_error before the worker's first upload.
  const torch::Tensor& theta_hat(int worker) const;
  int64_t tau(int worker) const { return tau_.at(static_cast<size_t>(worker)); }
  int64_t max_delay() const { return max_delay_; }
  // tau, the theta_hat snapshots and the history of squared steps.
  void visit_state(StateArchive& archive);

 private:
  // The pool row holding theta^t, copying `theta` into a free row on first use in an
  // iteration.
  int current_snapshot(const torch::Tensor& theta);
  void point_theta_hat_at_current(int worker);
  void check_open(int worker, const char* what) const;
  // ||g_new - g_old||^2 as a 0-d float32 tensor on the device (uses scratch_).
  torch::Tensor squared_change(const torch::Tensor& g_new, const torch::Tensor& g_old);

  std::string owner_;
  int workers_;
  int64_t max_delay_;          // D
  double kappa_;
  double c_factor_;
  ThresholdLrKind threshold_lr_;
  bool use_xi_;

  int64_t iteration_ = -1;     // t of the open iteration
  torch::Tensor theta_;        // theta^t, from the context, until update()
  std::vector<int64_t> tau_;   // per worker

  // theta_hat_m for every worker share M + 1 snapshot rows: every worker that uploads in
  // iteration t points at the one row holding theta^t, copied once.
  torch::Tensor snapshots_;                // [M + 1, n]
  std::vector<torch::Tensor> snapshot_rows_;
  std::vector<int> snapshot_refs_;         // workers pointing at each row
  std::vector<int> worker_snapshot_;       // row per worker, -1 before its first upload
  int current_snapshot_ = -1;              // row holding theta^t, -1 until needed

  // Ring of the last D-1 squared steps (float64, on the device), newest at
  // (recorded_ - 1) % (D - 1); weights_[r] are the per-slot weights when the newest is at r.
  torch::Tensor steps_sq_;                 // [D - 1]
  torch::Tensor weights_;                  // [D - 1, D - 1]
  int64_t recorded_ = 0;                   // steps recorded so far (= t at begin_iteration)
  torch::Tensor threshold_;                // 0-d float64 on the device, for t >= D
  bool threshold_known_ = false;
  double threshold_host_ = 0.0;            // threshold_ once fetched this iteration
  torch::Tensor scratch_;                  // [n]
};

}  // namespace sasgsim
