#include "algorithms/Sparse.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SparseOptions& options,
                                          const AlgorithmSetup& setup) {
  return std::make_unique<Sparse>(options, setup.workers, setup.slices, setup.device);
}

Sparse::Sparse(const SparseOptions& options, int workers,
               const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_(SparseOptions::kName, workers, checked_flat_numel(slices, SparseOptions::kName),
               device),
      topk_(slices, options.topk.density, options.topk.scope, checker_.device()) {
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
  out.compressions = 1;
  return out;
}

void Sparse::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  theta.sub_(aggregate_);
}

}  // namespace sasgsim
