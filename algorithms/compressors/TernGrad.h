// terngrad (Wen et al. 2017, "TernGrad: Ternary Gradients to Reduce Communication in
// Distributed Deep Learning"): per parameter tensor l a float32 scale s_l = max_i |p_i| and one
// ternary digit per entry, t_i = sign(p_i) * b_i with b_i ~ Bernoulli(|p_i| / s_l) drawn from
// the worker's generator; decoded_i = s_l * t_i (0 for a tensor with s_l = 0). Unbiased:
// E[decoded_i] = s_l * sign(p_i) * |p_i| / s_l = p_i. Entries with |p_i| = s_l are always
// kept. The layer-wise scale is the paper's; its gradient clipping is not applied.
// Draws: one uniform u_i in [0, 1) per entry over the whole vector (torch::rand of n entries
// on the device) per encode; b_i = [u_i < |p_i| / s_l].
// Wire: header (16 bytes) + one float32 scale per tensor (4 bytes each, in slice order) + the n
// ternary digits at 2 bits each ({-1, 0, +1}) packed back to back over the whole message in
// flat order and rounded up to whole bytes once: 16 + 4 L + ceil(2 n / 8).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class TernGrad : public Compressor {
 public:
  // Throws std::invalid_argument unless workers >= 1 and the slices tile [0, n).
  TernGrad(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  // A uniform draw, a max reduction and a few elementwise passes over p, measured on CPU
  // against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 7.8;
  double cost() const override { return kCost; }

  // The generator stream of this compressor (see worker_generator).
  static constexpr uint64_t kStream = static_cast<uint64_t>(CompressorKind::kTernGrad);

  // The deterministic core: out = the decoded message of p for the uniform draws `uniform`
  // (float32 [n] in [0, 1)), per tensor of `slices`. out must not alias p or uniform.
  static void ternarize(const torch::Tensor& p, const torch::Tensor& uniform,
                        const std::vector<TensorSlice>& slices, torch::Tensor& out);

  // The decoded message of `slot` (float32 [n]).
  const torch::Tensor& message(int slot) const { return slots_.row(slot); }

 private:
  std::vector<TensorSlice> slices_;
  int64_t numel_;
  torch::Device device_;
  std::vector<torch::Generator> generators_;  // one per worker
  torch::Tensor uniform_;                     // [n] scratch: this encode's draws
  DenseSlots slots_;
};

}  // namespace sasgsim
