// signsgd: per parameter tensor l a float32 scale s_l = ||p_l||_1 / n_l and one sign bit per
// entry; decoded_i = s_l * sign(p_i), with sign(0) = +1 (one bit cannot encode zero, so a zero
// entry decodes to +s_l). With the error feedback the caller adds, this is EF-signSGD
// (Karimireddy et al. 2019, "Error Feedback Fixes SignSGD and other Gradient Compression
// Schemes"), whose scaled sign is the per-tensor mean magnitude.
// Wire: header (16 bytes) + one float32 scale per tensor (4 bytes each, in slice order) + the
// n sign bits (1 = negative) packed back to back over the whole message in flat order and
// rounded up to whole bytes once: 16 + 4 L + ceil(n / 8).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class SignSgd : public Compressor {
 public:
  // Throws std::invalid_argument unless the slices tile [0, n).
  SignSgd(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  // A reduction and a few elementwise passes over p, measured on CPU against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 2.1;
  double cost() const override { return kCost; }

  // The decoded message of `slot` (float32 [n]).
  const torch::Tensor& message(int slot) const { return slots_.row(slot); }

 private:
  std::vector<TensorSlice> slices_;
  int64_t numel_;
  torch::Device device_;
  DenseSlots slots_;
};

}  // namespace sasgsim
