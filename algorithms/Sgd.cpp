#include "algorithms/Sgd.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SgdOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Sgd>(options, setup.workers, setup.slices, setup.device);
}

Sgd::Sgd(const SgdOptions& /*options*/, int workers,
         const std::vector<TensorSlice>& slices, torch::Device device)
    : checker_(SgdOptions::kName, workers, checked_flat_numel(slices, SgdOptions::kName), device) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  message_ = torch::empty({checker_.numel()}, floats);
  aggregate_ = torch::zeros({checker_.numel()}, floats);
}

void Sgd::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  lr_ = ctx.lr;
  aggregate_.zero_();
}

WorkerOutcome Sgd::worker_step(int worker, const torch::Tensor& g_new,
                               const torch::Tensor& /*g_old*/) {
  checker_.worker(worker, g_new, nullptr);
  // The message is the rounded float32 lr * g, as sent; the server adds messages.
  scale_into(message_, g_new, lr_);
  aggregate_.add_(message_);
  WorkerOutcome out;
  out.uploaded = true;
  out.values = checker_.numel();
  out.payload_bytes = dense_payload_bytes(checker_.numel());
  return out;
}

void Sgd::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  theta.sub_(aggregate_);
}

}  // namespace sasgsim
