// fp16 / bf16: p cast to IEEE half precision (fp16: 1 sign, 5 exponent, 10 mantissa bits) or
// to bfloat16 (1 sign, 8 exponent, 7 mantissa bits) and back to float32: decoded = p rounded
// to the nearest representable value, ties to even (torch's .to()). Beyond the format's
// range a value becomes +-inf (fp16: |p| >= 65520; bf16: |p| at or above the midpoint between
// its largest finite value, about 3.39e38, and 2^128); fp16 keeps magnitudes below 2^-14 as
// subnormals (steps of 2^-24) and rounds those up to 2^-25 to zero.
// Wire: header (16 bytes) + 2 bytes per entry, in flat order.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class Cast : public Compressor {
 public:
  // dtype: torch::kFloat16 or torch::kBFloat16; throws std::invalid_argument otherwise or
  // unless the slices tile [0, n).
  Cast(torch::ScalarType dtype, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  // Two elementwise conversions, measured on CPU against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kHalfCost = 0.81;
  static constexpr double kBFloat16Cost = 0.30;
  double cost() const override {
    return dtype_ == torch::kBFloat16 ? kBFloat16Cost : kHalfCost;
  }

  // Bytes per entry on the wire.
  static constexpr int64_t kEntryBytes = 2;

  torch::ScalarType dtype() const { return dtype_; }
  // The decoded message of `slot` (float32 [n]).
  const torch::Tensor& message(int slot) const { return slots_.row(slot); }

 private:
  torch::ScalarType dtype_;
  int64_t numel_;
  torch::Device device_;
  torch::Tensor narrow_;  // [n] scratch in dtype: the message as sent
  DenseSlots slots_;
};

}  // namespace sasgsim
