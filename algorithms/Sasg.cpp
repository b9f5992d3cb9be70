#include "algorithms/Sasg.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

Sasg::Sasg(const AlgorithmOptions& options, int workers,
           const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_("sasg", workers, checked_flat_numel(slices, "sasg"), device),
      rule_("sasg", options, workers, checker_.numel(), checker_.device()),
      topk_(slices, options.density, options.topk_scope, checker_.device()) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  errors_ = torch::zeros({workers, checker_.numel()}, floats);
  stored_indices_ = torch::zeros({workers, topk_.kept()}, floats.dtype(torch::kInt64));
  stored_values_ = torch::zeros({workers, topk_.kept()}, floats);
  for (int m = 0; m < workers; ++m) {
    error_rows_.push_back(errors_[m]);
    index_rows_.push_back(stored_indices_[m]);
    value_rows_.push_back(stored_values_[m]);
  }
  has_stored_.assign(static_cast<size_t>(workers), 0);
  message_ = torch::empty({checker_.numel()}, floats);
  aggregate_ = torch::zeros({checker_.numel()}, floats);
}

void Sasg::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  rule_.begin_iteration(ctx);
  lr_ = ctx.lr;
}

bool Sasg::needs_old_gradient(int worker) const {
  checker_.check_worker(worker, "needs_old_gradient");
  return rule_.needs_old_gradient();
}

const torch::Tensor& Sasg::theta_hat(int worker) const {
  checker_.check_worker(worker, "theta_hat");
  return rule_.theta_hat(worker);
}

int64_t Sasg::tau(int worker) const {
  checker_.check_worker(worker, "tau");
  return rule_.tau(worker);
}

const torch::Tensor& Sasg::error(int worker) const {
  checker_.check_worker(worker, "error");
  return error_rows_[static_cast<size_t>(worker)];
}

const torch::Tensor& Sasg::stored_indices(int worker) const {
  checker_.check_worker(worker, "stored_indices");
  return index_rows_[static_cast<size_t>(worker)];
}

const torch::Tensor& Sasg::stored_values(int worker) const {
  checker_.check_worker(worker, "stored_values");
  return value_rows_[static_cast<size_t>(worker)];
}

WorkerOutcome Sasg::worker_step(int worker, const torch::Tensor& g_new,
                                const torch::Tensor& g_old) {
  const bool old_needed = rule_.needs_old_gradient();
  checker_.worker(worker, g_new, old_needed ? &g_old : nullptr);
  const LazyRule::Decision d = rule_.decide(worker, g_new, g_old);
  WorkerOutcome out;
  out.lhs = d.lhs;
  out.threshold = d.threshold;
  out.forced = d.forced;
  if (d.upload) {
    const auto m = static_cast<size_t>(worker);
    torch::Tensor& e = error_rows_[m];
    scale_into(message_, g_new, lr_);
    e.add_(message_);  // e now holds p = lr * g + e
    topk_.select(e, index_rows_[m], value_rows_[m]);
    e.index_fill_(0, index_rows_[m], 0.0f);  // e = p - T_k(p): exactly p off the kept positions
    has_stored_[m] = 1;
    out.uploaded = true;
    out.values = topk_.kept();
    out.payload_bytes = kUploadHeaderBytes + (kValueBytes + kIndexBytes) * topk_.kept();
  }
  return out;
}

void Sasg::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  aggregate_.zero_();
  for (size_t m = 0; m < has_stored_.size(); ++m) {
    if (!has_stored_[m]) {
      checker_.fail("server_step", "worker " + std::to_string(m) +
                                       " has never uploaded (warm-up uploads everyone)");
    }
    aggregate_.index_add_(0, index_rows_[m], value_rows_[m]);
  }
  rule_.update(theta, aggregate_);
}

int64_t Sasg::server_memory_bytes() const {
  int64_t held = 0;
  for (char h : has_stored_) held += h;
  return held * (kValueBytes + kIndexBytes) * topk_.kept();
}

}  // namespace sasgsim
