#include "algorithms/Sasg.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SasgOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Sasg>(options, setup.workers, setup.slices, setup.device);
}

Sasg::Sasg(const SasgOptions& options, int workers,
           const std::vector<TensorSlice>& slices, torch::Device device)
    : LazyAlgorithm(SasgOptions::kName, options.rule, workers, slices, device),
      topk_(slices, options.topk.density, options.topk.scope, checker_.device()) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  errors_ = torch::zeros({workers, checker_.numel()}, floats);
  stored_indices_ = torch::zeros({workers, topk_.kept()}, floats.dtype(torch::kInt64));
  stored_values_ = torch::zeros({workers, topk_.kept()}, floats);
  for (int m = 0; m < workers; ++m) {
    error_rows_.push_back(errors_[m]);
    index_rows_.push_back(stored_indices_[m]);
    value_rows_.push_back(stored_values_[m]);
  }
  message_ = torch::empty({checker_.numel()}, floats);
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

void Sasg::store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) {
  const auto m = static_cast<size_t>(worker);
  torch::Tensor& e = error_rows_[m];
  scale_into(message_, g_new, lr());
  topk_.select_with_feedback(e, message_, index_rows_[m], value_rows_[m]);
  out.values = topk_.kept();
  out.payload_bytes = kUploadHeaderBytes + (kValueBytes + kIndexBytes) * topk_.kept();
  out.compressions = 1;
}

void Sasg::sum_stored(torch::Tensor& aggregate) {
  aggregate.zero_();
  for (size_t m = 0; m < index_rows_.size(); ++m) {
    aggregate.index_add_(0, index_rows_[m], value_rows_[m]);
  }
}

ServerMemory Sasg::server_memory() const {
  return {workers_stored() * kValueBytes * topk_.kept(), workers_stored() * kIndexBytes * topk_.kept()};
}

}  // namespace sasgsim
