// qsgd (Alistarh et al. 2017, "QSGD: Communication-Efficient SGD via Gradient Quantization and
// Encoding"): stochastic quantization of p to s levels per sign, one L2 norm per bucket.
// Buckets: `bucket` d = 0 makes each parameter tensor (TensorSlice) one bucket; d > 0 splits
// each tensor into consecutive buckets of d entries, the last one shorter (a bucket never spans
// two tensors). B is the number of buckets over the model.
// Quantization of bucket v: norm = ||v||_2 (float32); per entry r_i = |v_i| s / norm,
// l_i = floor(r_i), level_i = l_i + [u_i < r_i - l_i] with one uniform u_i in [0, 1) per entry
// (torch::rand of n entries from the worker's generator, flat order), so level_i = l_i + 1 with
// probability r_i - l_i; levels lie in 0..s. decoded_i = sign(v_i) norm level_i / s, unbiased:
// E[decoded] = v. A bucket with norm 0 decodes to zeros.
// Wire, fixed width (elias false): header (16 bytes), the B float32 norms in bucket order
// (4 bytes each), then per entry in flat order 1 sign bit and the level in
// w = ceil(log2(s + 1)) bits, packed back to back over the whole message and rounded up to
// whole bytes once: 16 + 4 B + ceil(n (1 + w) / 8). values = n.
// Wire, Elias (elias true; the paper's Section 3.3 coding, Elias recursive = Elias omega):
// header (16 bytes), the B float32 norms (4 bytes each), then one bit stream over all buckets in
// order; per bucket: omega(nonzero levels in the bucket + 1) (so the decoder knows where the
// bucket ends; +1 because omega codes integers >= 1), then per nonzero level in position order
// omega(gap), 1 sign bit, omega(level), where gap = position - previous nonzero position inside
// the bucket, the first counted from position -1 (gaps >= 1). The stream is rounded up to whole
// bytes once: 16 + 4 B + ceil(bits / 8). values = the number of nonzero levels. Sizing it
// copies the levels to the host once per encode.
// The server keeps the decoded vector (dense, 4 n bytes).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

// Length in bits of the Elias omega code of n >= 1: "0" for 1; otherwise the code of
// (bits of n) - 1, then n in binary, then the closing "0". Throws std::invalid_argument for 0.
int64_t elias_omega_bits(uint64_t n);

class Qsgd : public Compressor {
 public:
  // Throws std::invalid_argument unless 1 <= levels <= kMaxLevels, bucket >= 0, workers >= 1
  // and the slices tile [0, n).
  Qsgd(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  // Fixed width: a uniform draw, the bucket norms and a few elementwise passes over p. Elias
  // adds a device-to-host copy of the levels and a scalar pass over them on the host. Both
  // measured on CPU against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 11.8;
  static constexpr double kEliasCost = 13.9;
  double cost() const override { return elias_ ? kEliasCost : kCost; }

  // The generator stream of this compressor (see worker_generator).
  static constexpr uint64_t kStream = static_cast<uint64_t>(CompressorKind::kQsgd);
  // Levels beyond 2^24 are not all representable in the float32 level arithmetic.
  static constexpr int64_t kMaxLevels = int64_t{1} << 24;

  // The deterministic core: for the uniform draws `uniform` (float32 [n] in [0, 1)) writes the
  // levels (float32 [n], integers in 0..levels) into `level_out` and the decoded message into
  // `out`, with buckets of `bucket` entries inside each tensor of `slices` (0: per tensor).
  // Neither output may alias p, uniform or the other output.
  static void quantize(const torch::Tensor& p, const torch::Tensor& uniform,
                       const std::vector<TensorSlice>& slices, int64_t bucket, int64_t levels,
                       torch::Tensor& level_out, torch::Tensor& out);

  // The bucket lengths in order over the model (they tile [0, n)).
  static std::vector<int64_t> bucket_lengths(const std::vector<TensorSlice>& slices,
                                             int64_t bucket);

  // The decoded message of `slot` (float32 [n]).
  const torch::Tensor& decoded(int slot) const { return slots_.row(slot); }
  // The levels of the latest encode (float32 [n], integers in 0..s), whichever slot it filled.
  const torch::Tensor& last_levels() const { return levels_; }
  int64_t buckets() const { return static_cast<int64_t>(bucket_lengths_.size()); }

 private:
  Encoded fixed_width_size() const;
  Encoded elias_size() const;

  std::vector<TensorSlice> slices_;
  int64_t numel_;
  int64_t levels_per_sign_;                // s
  int64_t bucket_;                         // d, 0 = per tensor
  bool elias_;
  std::vector<int64_t> bucket_lengths_;
  torch::Device device_;
  std::vector<torch::Generator> generators_;  // one per worker
  torch::Tensor uniform_;                     // [n] scratch: this encode's draws
  torch::Tensor levels_;                      // [n]: this encode's levels
  DenseSlots slots_;
};

}  // namespace sasgsim
