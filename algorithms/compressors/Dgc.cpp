#include "algorithms/compressors/Dgc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

namespace {

[[noreturn]] void reject(const std::string& option, const std::string& rule, double value) {
  std::ostringstream os;
  os << "dgc: " << option << " must be " << rule << ", got " << value;
  throw std::invalid_argument(os.str());
}

// Returns options.density after checking every option Dgc uses.
double checked_density(const CompressorOptions& options, const CompressorSetup& setup) {
  if (!(options.density > 0.0 && options.density <= 1.0)) {
    reject("density", "in (0, 1]", options.density);
  }
  if (!(options.momentum >= 0.0 && options.momentum < 1.0)) {
    reject("momentum", "in [0, 1)", options.momentum);
  }
  if (!(options.clip_norm >= 0.0 && std::isfinite(options.clip_norm))) {
    reject("clip_norm", ">= 0 and finite", options.clip_norm);
  }
  // 4 t must not overflow for t < W.
  if (options.warmup_iterations < 0 ||
      options.warmup_iterations > std::numeric_limits<int64_t>::max() / 4) {
    reject("warmup_iterations", "in [0, 2^61)", static_cast<double>(options.warmup_iterations));
  }
  if (options.scope != TopkScope::kPerTensor && options.scope != TopkScope::kGlobal) {
    reject("scope", "per_tensor or global", static_cast<double>(static_cast<int>(options.scope)));
  }
  if (setup.workers < 1) reject("workers", ">= 1", setup.workers);
  return options.density;
}

// The warm-up stage of iteration t < W: floor(4 t / W).
int64_t warmup_stage(int64_t iteration, int64_t warmup) { return 4 * iteration / warmup; }

}  // namespace

Dgc::Dgc(const CompressorOptions& options, const CompressorSetup& setup)
    : numel_(checked_flat_numel(setup.slices, "dgc")),
      density_(checked_density(options, setup)),
      momentum_(options.momentum),
      clip_norm_(options.clip_norm),
      warmup_iterations_(options.warmup_iterations),
      workers_(setup.workers),
      device_(setup.device),
      slots_(setup.slots, 0, numel_, setup.device, /*exact=*/true) {
  // One TopK per distinct density that some iteration uses (TopK's density is fixed).
  std::vector<double> wanted;
  const int64_t w = warmup_iterations_;
  for (int64_t stage = 0; stage < 4 && w > 0; ++stage) {
    const int64_t first = (stage * w + 3) / 4;  // ceil(stage W / 4): first t of the stage
    const int64_t next = ((stage + 1) * w + 3) / 4;
    if (first < next) wanted.push_back(density_at(first));
  }
  wanted.push_back(density_);
  int64_t capacity = 0;
  for (double density : wanted) {
    if (std::find(densities_.begin(), densities_.end(), density) != densities_.end()) continue;
    densities_.push_back(density);
    topks_.emplace_back(setup.slices, density, options.scope, setup.device);
    capacity = std::max(capacity, topks_.back().kept());
  }
  // Preallocate every slot for the largest k; the smaller ones narrow it.
  for (int s = 0; s < setup.slots; ++s) {
    slots_.indices(s, capacity);
    slots_.values(s, capacity);
    slots_.indices(s, 0);
    slots_.values(s, 0);
  }
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat32).device(device_);
  for (int worker = 0; worker < workers_; ++worker) {
    u_.push_back(torch::zeros({numel_}, float_options));
    v_.push_back(torch::zeros({numel_}, float_options));
  }
  if (clip_norm_ > 0.0) clipped_ = torch::empty({numel_}, float_options);
}

double Dgc::density_at(int64_t iteration) const {
  if (warmup_iterations_ > 0 && iteration < warmup_iterations_) {
    const double stage_density = kWarmupDensities[warmup_stage(iteration, warmup_iterations_)];
    return std::max(stage_density, density_);
  }
  return density_;
}

size_t Dgc::topk_index(int64_t iteration) const {
  if (iteration < 0) {
    throw std::logic_error("dgc: iteration must be >= 0, got " + std::to_string(iteration));
  }
  const double density = density_at(iteration);
  const auto found = std::find(densities_.begin(), densities_.end(), density);
  if (found == densities_.end()) {
    throw std::logic_error("dgc: no selection for density " + std::to_string(density));
  }
  return static_cast<size_t>(found - densities_.begin());
}

int64_t Dgc::kept_at(int64_t iteration) const { return topks_[topk_index(iteration)].kept(); }

void Dgc::begin_iteration(int64_t iteration, double lr) {
  if (iteration < 0 || !(lr > 0.0 && std::isfinite(lr))) {
    throw std::logic_error("dgc: begin_iteration needs t >= 0 and a positive finite lr, got t = " +
                           std::to_string(iteration) + ", lr = " + std::to_string(lr));
  }
  iteration_ = iteration;
  lr_ = lr;
}

void Dgc::check_worker(int worker) const {
  if (worker < 0 || worker >= workers_) {
    throw std::logic_error("dgc: worker " + std::to_string(worker) + " out of range [0, " +
                           std::to_string(workers_) + ")");
  }
}

const torch::Tensor& Dgc::momentum(int worker) const {
  check_worker(worker);
  return u_[static_cast<size_t>(worker)];
}

const torch::Tensor& Dgc::accumulator(int worker) const {
  check_worker(worker);
  return v_[static_cast<size_t>(worker)];
}

void Dgc::accumulate_momentum(torch::Tensor& u, const torch::Tensor& p) {
  u.mul_(momentum_);
  if (clip_norm_ <= 0.0) {
    u.add_(p);
    return;
  }
  if (!(lr_ > 0.0)) throw std::logic_error("dgc: clipping needs the lr of begin_iteration");
  // ||p|| > lr clip_norm / sqrt(M) <=> ||g|| > clip_norm / sqrt(M). The scale stays on the
  // device (no host synchronisation); a zero p gives inf, clamped to 1.
  const double bound = lr_ * clip_norm_ / std::sqrt(static_cast<double>(workers_));
  const torch::Tensor scale = torch::linalg_vector_norm(p).reciprocal().mul_(bound).clamp_max_(1.0);
  torch::mul_out(clipped_, p, scale);
  u.add_(clipped_);
}

Encoded Dgc::encode(int worker, const torch::Tensor& p, int slot) {
  check_worker(worker);
  check_encode_input("dgc", p, numel_, device_);
  torch::Tensor& u = u_[static_cast<size_t>(worker)];
  torch::Tensor& v = v_[static_cast<size_t>(worker)];
  accumulate_momentum(u, p);
  v.add_(u);
  TopK& topk = topks_[topk_index(iteration_)];
  const int64_t k = topk.kept();
  const torch::Tensor indices = slots_.indices(slot, k);
  topk.select(v, indices, slots_.values(slot, k));
  // Momentum factor masking: what was sent leaves both the accumulator and the momentum.
  v.index_fill_(0, indices, 0.0f);
  u.index_fill_(0, indices, 0.0f);
  return {k, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * k};
}

void Dgc::visit_state(StateArchive& archive) {
  archive.tensors("momentum", u_);
  archive.tensors("accumulator", v_);
  slots_.visit_state(archive);
}

}  // namespace sasgsim
