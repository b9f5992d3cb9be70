#include "algorithms/Sparse.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

Sparse::Sparse(const AlgorithmOptions& options, int workers,
               const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_("sparse", workers, checked_flat_numel(slices, "sparse"), device),
      topk_(slices, options.density, options.topk_scope, checker_.device()) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  errors_ = torch::zeros({workers, checker_.numel()}, floats);
  for (int m = 0; m < workers; ++m) error_rows_.push_back(errors_[m]);
  message_ = torch::empty({checker_.numel()}, floats);
  indices_ = torch::zeros({topk_.kept()}, floats.dtype(torch::kInt64));
  values_ = torch::zeros({topk_.kept()}, floats);
  aggregate_ = torch::zeros({checker_.numel()}, floats);
}

void Sparse::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  lr_ = ctx.lr;
  aggregate_.zero_();
}

bool Sparse::needs_old_gradient(int worker) const {
  checker_.check_worker(worker, "needs_old_gradient");
  return false;
}

const torch::Tensor& Sparse::theta_hat(int worker) const {
  checker_.check_worker(worker, "theta_hat");
  checker_.fail("theta_hat", "sparse keeps no theta_hat (needs_old_gradient is always false)");
}

const torch::Tensor& Sparse::error(int worker) const {
  checker_.check_worker(worker, "error");
  return error_rows_[static_cast<size_t>(worker)];
}

WorkerOutcome Sparse::worker_step(int worker, const torch::Tensor& g_new,
                                  const torch::Tensor& /*g_old*/) {
  checker_.worker(worker, g_new, nullptr);
  torch::Tensor& e = error_rows_[static_cast<size_t>(worker)];
  scale_into(message_, g_new, lr_);
  topk_.select_with_feedback(e, message_, indices_, values_);
  aggregate_.index_add_(0, indices_, values_);
  WorkerOutcome out;
  out.uploaded = true;
  out.values = topk_.kept();
  out.payload_bytes = kUploadHeaderBytes + (kValueBytes + kIndexBytes) * topk_.kept();
  return out;
}

void Sparse::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  theta.sub_(aggregate_);
}

}  // namespace sasgsim
