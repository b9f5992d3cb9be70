#include "algorithms/rules/LazyAlgorithm.h"

#include <torch/torch.h>

#include "algorithms/Scale.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

LazyAlgorithm::LazyAlgorithm(const char* name, const LazyRuleOptions& options,
                             const CompressorOptions& compressor, bool error_feedback,
                             const AlgorithmSetup& setup)
    : checker_(name, setup.workers, checked_flat_numel(setup.slices, name), setup.device),
      rule_(name, options, setup.workers, checker_.numel(), checker_.device()),
      upload_(compressor, error_feedback, setup, checker_.numel(), /*slots=*/setup.workers) {
  const int workers = setup.workers;
  has_stored_.assign(static_cast<size_t>(workers), 0);
  pending_.assign(static_cast<size_t>(workers), 0);
  staged_.assign(static_cast<size_t>(workers), WorkerOutcome{});
  batched_ = checker_.device().is_cuda();
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(checker_.device());
  aggregate_ = torch::zeros({checker_.numel()}, floats);
  message_ = torch::empty({checker_.numel()}, floats);
}

void LazyAlgorithm::begin_iteration(const IterationContext& ctx) {
  checker_.begin(ctx);
  rule_.begin_iteration(ctx);
  upload_.begin_iteration(ctx.iteration, ctx.lr);
  lr_ = ctx.lr;
}

const torch::Tensor* LazyAlgorithm::auxiliary_point(int worker) const {
  checker_.check_worker(worker, "auxiliary_point");
  return rule_.needs_old_gradient() ? &rule_.theta_hat(worker) : nullptr;
}

const torch::Tensor& LazyAlgorithm::theta_hat(int worker) const {
  checker_.check_worker(worker, "theta_hat");
  return rule_.theta_hat(worker);
}

int64_t LazyAlgorithm::tau(int worker) const {
  checker_.check_worker(worker, "tau");
  return rule_.tau(worker);
}

const torch::Tensor& LazyAlgorithm::error(int worker) const {
  checker_.check_worker(worker, "error");
  return upload_.error(worker);
}

ServerMemory LazyAlgorithm::server_memory() const {
  ServerMemory memory;
  for (size_t m = 0; m < has_stored_.size(); ++m) {
    if (!has_stored_[m]) continue;
    const HeldBytes held = upload_.compressor().held(static_cast<int>(m));
    memory.value_bytes += held.value_bytes;
    memory.index_bytes += held.index_bytes;
  }
  return memory;
}

void LazyAlgorithm::store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) {
  scale_into(message_, g_new, lr_);
  upload_.send(worker, message_, worker, out);
}

void LazyAlgorithm::sum_stored(torch::Tensor& aggregate) const {
  // Fixed summation order (worker 0, 1, ...) keeps the aggregate deterministic on any device.
  const Compressor& c = upload_.compressor();
  c.decode_into(0, aggregate);
  for (size_t m = 1; m < has_stored_.size(); ++m) c.add_decoded(static_cast<int>(m), aggregate);
}

WorkerOutcome LazyAlgorithm::worker_step(int worker, const torch::Tensor& g_new,
                                         const torch::Tensor& g_old) {
  const bool old_needed = rule_.needs_old_gradient();
  checker_.worker(worker, g_new, old_needed ? &g_old : nullptr);
  return apply(worker, rule_.decide(worker, g_new, g_old), g_new);
}

void LazyAlgorithm::stage_worker(int worker, const torch::Tensor& g_new,
                                 const torch::Tensor& g_old) {
  if (!batched_ || rule_.in_warm_up()) {  // warm-up decisions need no number: upload
    WorkerOutcome out = worker_step(worker, g_new, g_old);
    staged_[static_cast<size_t>(worker)] = out;
    pending_[static_cast<size_t>(worker)] = 0;
    return;
  }
  checker_.worker(worker, g_new, &g_old);
  if (!pending_g_.defined()) {
    const int64_t workers = static_cast<int64_t>(pending_.size());
    pending_g_ = torch::empty({workers, checker_.numel()}, g_new.options());
    pending_lhs_ = torch::empty({workers + 1}, g_new.options().dtype(torch::kFloat64));
  }
  rule_.lhs_into(worker, g_new, g_old, pending_lhs_[worker]);
  pending_g_[worker].copy_(g_new);
  pending_[static_cast<size_t>(worker)] = 1;
}

void LazyAlgorithm::stage_change(int worker, double change, const GradientSource& g_new) {
  if (!takes_change()) Algorithm::stage_change(worker, change, g_new);
  checker_.stepped(worker, "stage_change");
  const LazyRule::Decision d = rule_.decide_by_change(worker, change);
  staged_[static_cast<size_t>(worker)] = apply(worker, d, d.upload ? g_new() : torch::Tensor());
  pending_[static_cast<size_t>(worker)] = 0;
}

const std::vector<WorkerOutcome>& LazyAlgorithm::decide_workers() {
  bool any = false;
  for (char p : pending_) any = any || p;
  if (!any) return staged_;
  // The one host transfer of the iteration: every deferred lhs and the threshold.
  pending_lhs_[static_cast<int64_t>(pending_.size())].copy_(rule_.threshold());
  const torch::Tensor host = pending_lhs_.cpu();
  const double* values = host.data_ptr<double>();
  const double threshold = values[pending_.size()];
  for (size_t m = 0; m < pending_.size(); ++m) {
    if (!pending_[m]) continue;
    const int worker = static_cast<int>(m);
    staged_[m] = apply(worker, rule_.decide_with(worker, values[m], threshold),
                       pending_g_[worker]);
    pending_[m] = 0;
  }
  return staged_;
}

WorkerOutcome LazyAlgorithm::apply(int worker, const LazyRule::Decision& d,
                                   const torch::Tensor& g_new) {
  WorkerOutcome out;
  out.lhs = d.lhs;
  out.threshold = d.threshold;
  out.forced = d.forced;
  if (d.upload) {
    store_upload(worker, g_new, out);
    has_stored_[static_cast<size_t>(worker)] = 1;
    out.uploaded = true;
  }
  return out;
}

void LazyAlgorithm::server_step(torch::Tensor& theta) {
  for (char p : pending_) {
    if (p) checker_.fail("server_step", "decide_workers() was not called after stage_worker()");
  }
  checker_.server(theta);
  for (size_t m = 0; m < has_stored_.size(); ++m) {
    if (!has_stored_[m]) {
      checker_.fail("server_step", "worker " + std::to_string(m) +
                                       " has never uploaded (warm-up uploads everyone)");
    }
  }
  sum_stored(aggregate_);
  rule_.update(theta, aggregate_);
}

void LazyAlgorithm::visit_state(StateArchive& archive) {
  {
    StateArchive::Scope scope(archive, "checker");
    checker_.visit_state(archive);
  }
  {
    StateArchive::Scope scope(archive, "rule");
    rule_.visit_state(archive);
  }
  {
    StateArchive::Scope scope(archive, "upload");
    upload_.visit_state(archive);
  }
  archive.integers("has_stored", has_stored_);
}

}  // namespace sasgsim
