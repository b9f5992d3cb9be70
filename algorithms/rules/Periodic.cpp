#include "algorithms/rules/Periodic.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/Scale.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

Periodic::Periodic(const char* name, int64_t period, const CompressorOptions& compressor,
                   bool error_feedback, const AlgorithmSetup& setup)
    : checker_(name, setup.workers, checked_flat_numel(setup.slices, name), setup.device),
      upload_(compressor, error_feedback, setup, checker_.numel(), /*slots=*/1),
      period_(period) {
  if (period < 1) {
    throw std::invalid_argument(std::string(name) + ": period must be >= 1, got " +
                                std::to_string(period));
  }
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  locals_ = torch::zeros({setup.workers, checker_.numel()}, floats);
  changes_ = torch::zeros({setup.workers, checker_.numel()}, floats);
  for (int m = 0; m < setup.workers; ++m) {
    local_rows_.push_back(locals_[m]);
    change_rows_.push_back(changes_[m]);
  }
  message_ = torch::empty({checker_.numel()}, floats);
  aggregate_ = torch::zeros({checker_.numel()}, floats);
}

void Periodic::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  lr_ = ctx.lr;
  upload_.begin_iteration(ctx.iteration, ctx.lr);
  if (ctx.iteration % period_ == 0) {  // a round starts: every worker from the global model
    locals_.copy_(ctx.theta.unsqueeze(0).expand_as(locals_));
    changes_.zero_();
  }
  uploads_now_ = (ctx.iteration + 1) % period_ == 0;
  aggregate_.zero_();
}

const torch::Tensor* Periodic::gradient_point(int worker) const {
  checker_.check_worker(worker, "gradient_point");
  return &local_rows_[static_cast<size_t>(worker)];
}

WorkerOutcome Periodic::worker_step(int worker, const torch::Tensor& g_new,
                                    const torch::Tensor& /*g_old*/) {
  checker_.worker(worker, g_new, nullptr);
  const auto m = static_cast<size_t>(worker);
  scale_into(message_, g_new, lr_);
  local_rows_[m].sub_(message_);
  change_rows_[m].add_(message_);
  WorkerOutcome out;
  if (!uploads_now_) return out;
  upload_.send(worker, change_rows_[m], 0, out);
  upload_.compressor().add_decoded(0, aggregate_);
  out.uploaded = true;
  return out;
}

void Periodic::server_step(torch::Tensor& theta) {
  checker_.server(theta);
  if (uploads_now_) theta.sub_(aggregate_);
}

const torch::Tensor& Periodic::local_model(int worker) const {
  checker_.check_worker(worker, "local_model");
  return local_rows_[static_cast<size_t>(worker)];
}

const torch::Tensor& Periodic::change(int worker) const {
  checker_.check_worker(worker, "change");
  return change_rows_[static_cast<size_t>(worker)];
}

const torch::Tensor& Periodic::error(int worker) const {
  checker_.check_worker(worker, "error");
  return upload_.error(worker);
}

void Periodic::visit_state(StateArchive& archive) {
  {
    StateArchive::Scope scope(archive, "checker");
    checker_.visit_state(archive);
  }
  archive.tensor("locals", locals_);
  archive.tensor("changes", changes_);
  StateArchive::Scope scope(archive, "upload");
  upload_.visit_state(archive);
}

}  // namespace sasgsim
