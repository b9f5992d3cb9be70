// dgc: Deep Gradient Compression (Lin et al. 2018): top-k sparsification of a locally
// accumulated, momentum-corrected gradient, with momentum factor masking, local gradient
// clipping and a density warm-up.
//
// Per worker: momentum u and accumulator v (float32 [n], zero at the start). encode(worker, p)
// with p = lr g (the lr of begin_iteration):
//   clipping (clip_norm > 0): if ||p||_2 > lr clip_norm / sqrt(M), p is scaled to that norm,
//     i.e. g is clipped at clip_norm / sqrt(M), the paper's N^-1/2 scaling of the threshold;
//   momentum correction: u = momentum u + p;  v = v + u;
//   selection: the top-k of |v| (TopK.h, per tensor or over the model as `scope`) at the
//     density of the current iteration; the message is v at those positions;
//   momentum factor masking: v and u are zeroed at the sent positions.
// The paper estimates the top-k threshold from a sample; here the selection is an exact top-k
// (the same selection without the estimation error).
// Warm-up (warmup_iterations W > 0): iteration t < W is in stage floor(4 t / W) of four equal
// stages with densities 0.25, 0.0625, 0.015625, 0.00390625 (the paper's 75%, 93.75%, 98.4375%
// and 99.6% sparsity), never below `density`; from t = W on, `density`.
// v is DGC's own residual, so error feedback by the caller adds nothing (the scenario parser
// rejects the combination); subtract_decoded still zeroes the sent positions of e.
// Wire: header (16 bytes) + per kept entry a float32 value and an int32 position (8 bytes),
// grouped by slice in slice order (per-tensor scope). values = k_t, the entries kept at
// iteration t.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/TopK.h"
#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class Dgc : public Compressor {
 public:
  // Throws std::invalid_argument unless density is in (0, 1], momentum in [0, 1), clip_norm
  // >= 0 and finite, warmup_iterations >= 0, scope is known, workers >= 1 and the slices tile
  // [0, n).
  Dgc(const CompressorOptions& options, const CompressorSetup& setup);

  // Remembers t (for the warm-up) and lr (for clipping); t >= 0 and lr > 0.
  void begin_iteration(int64_t iteration, double lr) override;
  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int slot) const override { return slots_.held(slot); }
  // One exact top-k plus a few elementwise passes (clipping norm, momentum, masking),
  // measured on CPU against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 2.1;
  double cost() const override { return kCost; }

  // Densities of the four warm-up stages.
  static constexpr double kWarmupDensities[4] = {0.25, 0.0625, 0.015625, 0.00390625};

  // The density and the entries kept (k in total) at iteration t.
  double density_at(int64_t iteration) const;
  int64_t kept_at(int64_t iteration) const;

  int64_t numel() const { return numel_; }
  const torch::Tensor& momentum(int worker) const;     // u
  const torch::Tensor& accumulator(int worker) const;  // v
  const torch::Tensor& indices(int slot) const { return slots_.held_indices(slot); }
  const torch::Tensor& values(int slot) const { return slots_.held_values(slot); }

 private:
  // Index into topks_ of the selection used at iteration t.
  size_t topk_index(int64_t iteration) const;
  void check_worker(int worker) const;
  // u = momentum u + p, with p clipped first when clipping is on.
  void accumulate_momentum(torch::Tensor& u, const torch::Tensor& p);

  int64_t numel_;
  double density_;
  double momentum_;
  double clip_norm_;
  int64_t warmup_iterations_;
  int workers_;
  torch::Device device_;
  std::vector<double> densities_;  // distinct densities, one per entry of topks_
  std::vector<TopK> topks_;
  std::vector<torch::Tensor> u_;   // per worker
  std::vector<torch::Tensor> v_;   // per worker
  torch::Tensor clipped_;          // [n] scratch: the clipped p
  int64_t iteration_ = 0;
  double lr_ = 0.0;                // 0 until begin_iteration
  SparseSlots slots_;
};

}  // namespace sasgsim
