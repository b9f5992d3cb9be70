#include "algorithms/Lasg.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

Lasg::Lasg(const AlgorithmOptions& options, int workers,
           const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_("lasg", workers, checked_flat_numel(slices, "lasg"), device),
      rule_("lasg", options, workers, checker_.numel(), checker_.device()) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  stored_ = torch::zeros({workers, checker_.numel()}, floats);
  for (int m = 0; m < workers; ++m) stored_rows_.push_back(stored_[m]);
  has_stored_.assign(static_cast<size_t>(workers), 0);
  aggregate_ = torch::empty({checker_.numel()}, floats);
}

void Lasg::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  rule_.begin_iteration(ctx);
  lr_ = ctx.lr;
}

bool Lasg::needs_old_gradient(int worker) const {
  checker_.check_worker(worker, "needs_old_gradient");
  return rule_.needs_old_gradient();
}

const torch::Tensor& Lasg::theta_hat(int worker) const {
  checker_.check_worker(worker, "theta_hat");
  return rule_.theta_hat(worker);
}

int64_t Lasg::tau(int worker) const {
  checker_.check_worker(worker, "tau");
  return rule_.tau(worker);
}

const torch::Tensor& Lasg::stored(int worker) const {
  checker_.check_worker(worker, "stored");
  return stored_rows_[static_cast<size_t>(worker)];
}

WorkerOutcome Lasg::worker_step(int worker, const torch::Tensor& g_new,
                                const torch::Tensor& g_old) {
  const bool old_needed = rule_.needs_old_gradient();
  checker_.worker(worker, g_new, old_needed ? &g_old : nullptr);
  const LazyRule::Decision d = rule_.decide(worker, g_new, g_old);
  WorkerOutcome out;
  out.lhs = d.lhs;
  out.threshold = d.threshold;
  out.forced = d.forced;
  if (d.upload) {
    scale_into(stored_rows_[static_cast<size_t>(worker)], g_new, lr_);
    has_stored_[static_cast<size_t>(worker)] = 1;
    out.uploaded = true;
    out.values = checker_.numel();
    out.payload_bytes = kUploadHeaderBytes + kValueBytes * checker_.numel();
  }
  return out;
}

void Lasg::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  for (size_t m = 0; m < has_stored_.size(); ++m) {
    if (!has_stored_[m]) {
      checker_.fail("server_step", "worker " + std::to_string(m) +
                                       " has never uploaded (warm-up uploads everyone)");
    }
  }
  // Fixed summation order (worker 0, 1, ...) keeps the aggregate deterministic on any device.
  aggregate_.copy_(stored_rows_[0]);
  for (size_t m = 1; m < stored_rows_.size(); ++m) aggregate_.add_(stored_rows_[m]);
  rule_.update(theta, aggregate_);
}

int64_t Lasg::server_memory_bytes() const {
  int64_t held = 0;
  for (char h : has_stored_) held += h;
  return held * kValueBytes * checker_.numel();
}

}  // namespace sasgsim
