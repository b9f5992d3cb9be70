#include "algorithms/rules/AlwaysSend.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"
#include "algorithms/Wire.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

AlwaysSend::AlwaysSend(const char* name, const CompressorOptions& compressor, bool error_feedback,
                       const AlgorithmSetup& setup)
    : checker_(name, setup.workers, checked_flat_numel(setup.slices, name), setup.device),
      upload_(compressor, error_feedback, setup, checker_.numel(), /*slots=*/1),
      sums_gradients_(compressor.kind == CompressorKind::kIdentity && !error_feedback) {
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

void AlwaysSend::stage_sum(const torch::Tensor& g_sum) {
  if (!sums_gradients_) Algorithm::stage_sum(g_sum);
  WorkerOutcome out;
  out.uploaded = true;
  out.values = checker_.numel();
  out.payload_bytes = dense_payload_bytes(checker_.numel());  // identity's message
  out.compression_cost = upload_.compressor().cost();
  staged_.assign(static_cast<size_t>(checker_.workers()), out);
  for (int m = 0; m < checker_.workers(); ++m) checker_.worker(m, g_sum, nullptr);
  scale_into(aggregate_, g_sum, lr_);
}

void AlwaysSend::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  theta.sub_(aggregate_);
}

void AlwaysSend::visit_state(StateArchive& archive) {
  {
    StateArchive::Scope scope(archive, "checker");
    checker_.visit_state(archive);
  }
  StateArchive::Scope scope(archive, "upload");
  upload_.visit_state(archive);
}

}  // namespace sasgsim
