#include "algorithms/Lasg.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const LasgOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Lasg>(options, setup.workers, setup.slices, setup.device);
}

Lasg::Lasg(const LasgOptions& options, int workers,
           const std::vector<TensorSlice>& slices, torch::Device device)
    : LazyAlgorithm(LasgOptions::kName, options.rule, workers, slices, device) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  stored_ = torch::zeros({workers, checker_.numel()}, floats);
  for (int m = 0; m < workers; ++m) stored_rows_.push_back(stored_[m]);
}

const torch::Tensor& Lasg::stored(int worker) const {
  checker_.check_worker(worker, "stored");
  return stored_rows_[static_cast<size_t>(worker)];
}

void Lasg::store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) {
  scale_into(stored_rows_[static_cast<size_t>(worker)], g_new, lr());
  out.values = checker_.numel();
  out.payload_bytes = dense_payload_bytes(checker_.numel());
}

void Lasg::sum_stored(torch::Tensor& aggregate) {
  // Fixed summation order (worker 0, 1, ...) keeps the aggregate deterministic on any device.
  aggregate.copy_(stored_rows_[0]);
  for (size_t m = 1; m < stored_rows_.size(); ++m) aggregate.add_(stored_rows_[m]);
}

ServerMemory Lasg::server_memory() const {
  return {workers_stored() * kValueBytes * checker_.numel(), 0};
}

}  // namespace sasgsim
