#include "algorithms/LazyAlgorithm.h"

#include <torch/torch.h>

namespace sasgsim {

LazyAlgorithm::LazyAlgorithm(const char* name, const AlgorithmOptions& options, int workers,
                             const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_(name, workers, checked_flat_numel(slices, name), device),
      rule_(name, options, workers, checker_.numel(), checker_.device()) {
  has_stored_.assign(static_cast<size_t>(workers), 0);
  aggregate_ = torch::zeros({checker_.numel()},
                            torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device()));
}

void LazyAlgorithm::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  rule_.begin_iteration(ctx);
  lr_ = ctx.lr;
}

bool LazyAlgorithm::needs_old_gradient(int worker) const {
  checker_.check_worker(worker, "needs_old_gradient");
  return rule_.needs_old_gradient();
}

const torch::Tensor& LazyAlgorithm::theta_hat(int worker) const {
  checker_.check_worker(worker, "theta_hat");
  return rule_.theta_hat(worker);
}

int64_t LazyAlgorithm::tau(int worker) const {
  checker_.check_worker(worker, "tau");
  return rule_.tau(worker);
}

int64_t LazyAlgorithm::workers_stored() const {
  int64_t held = 0;
  for (char h : has_stored_) held += h;
  return held;
}

WorkerOutcome LazyAlgorithm::worker_step(int worker, const torch::Tensor& g_new,
                                         const torch::Tensor& g_old) {
  const bool old_needed = rule_.needs_old_gradient();
  checker_.worker(worker, g_new, old_needed ? &g_old : nullptr);
  const LazyRule::Decision d = rule_.decide(worker, g_new, g_old);
  WorkerOutcome out;
  out.lhs = d.lhs;
  out.threshold = d.threshold;
  out.forced = d.forced;
  if (d.upload) {
    store_upload(worker, g_new, out);
    has_stored_[static_cast<size_t>(worker)] = 1;
    out.uploaded = true;
  }
  return out;
}

void LazyAlgorithm::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  for (size_t m = 0; m < has_stored_.size(); ++m) {
    if (!has_stored_[m]) {
      checker_.fail("server_step", "worker " + std::to_string(m) +
                                       " has never uploaded (warm-up uploads everyone)");
    }
  }
  sum_stored(aggregate_);
  rule_.update(theta, aggregate_);
}

}  // namespace sasgsim
