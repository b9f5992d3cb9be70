#include "algorithms/rules/AlwaysSend.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"

namespace sasgsim {

AlwaysSend::AlwaysSend(const char* name, const CompressorOptions& compressor, bool error_feedback,
                       const AlgorithmSetup& setup)
    : checker_(name, setup.workers, checked_flat_numel(setup.slices, name), setup.device),
      upload_(compressor, error_feedback, setup, checker_.numel(), /*slots=*/1) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  message_ = torch::empty({checker_.numel()}, floats);
  aggregate_ = torch::zeros({checker_.numel()}, floats);
}

void AlwaysSend::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  lr_ = ctx.lr;
  upload_.begin_iteration(ctx.iteration, ctx.lr);
  aggregate_.zero_();
}

const torch::Tensor& AlwaysSend::error(int worker) const {
  checker_.check_worker(worker, "error");
  return upload_.error(worker);
}

WorkerOutcome AlwaysSend::worker_step(int worker, const torch::Tensor& g_new,
                                      const torch::Tensor& /*g_old*/) {
  checker_.worker(worker, g_new, nullptr);
  // The message is the rounded float32 lr * g; the server adds the decoded messages.
  scale_into(message_, g_new, lr_);
  WorkerOutcome out;
  upload_.send(worker, message_, 0, out);
  upload_.compressor().add_decoded(0, aggregate_);
  out.uploaded = true;
  return out;
}

void AlwaysSend::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  theta.sub_(aggregate_);
}

}  // namespace sasgsim
