// randomk: k entries of p at positions drawn uniformly at random without replacement, per
// tensor (k_l = TopK::kept_count(density, n_l) in each parameter slice, the default) or over
// the flattened model (scope "global": one part of n entries).
// Draws, for each part in slice order from the worker's generator: when 2 k_l <= n_l, uniform
// integers of [0, n_l) (torch::randint) in batches of 2 (k_l - found) + 16 until k_l distinct
// ones are found, the positions being the first k_l distinct values drawn (a uniform k_l-subset
// at O(k_l) cost); otherwise the first k_l entries of torch::randperm(n_l). Sent in ascending
// order.
// Values: p at the positions, or with `unbiased` p * n_l / k_l, so that E[decoded] = p (every
// position is kept with probability k_l / n_l). Unscaled, error feedback zeroes the sent
// positions exactly; scaled, it subtracts the sent (scaled) values.
// Wire: header (16 bytes) + per kept entry a float32 value and an int32 position (8 bytes),
// grouped by part in slice order, positions ascending inside a part. The positions are sent
// although a generator state shared with the server could regenerate them: implementations
// whose workers and server do not share generator state must send them, and that is the
// size modelled here.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

// One part of the message: a parameter slice (per-tensor scope) or the whole model (global).
struct RandomKPart {
  int64_t offset;      // first entry of the part in p
  int64_t numel;       // n_l
  int64_t kept;        // k_l
  int64_t out_offset;  // where its entries start in the message
};

class RandomK : public Compressor {
 public:
  // Throws std::invalid_argument unless density is in (0, 1], scope is known, workers >= 1
  // and the slices tile [0, n).
  RandomK(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int slot) const override { return slots_.held(slot); }
  // k draws and a sort of the k positions per part, plus the gather, measured on CPU
  // against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 1.4;
  double cost() const override { return kCost; }

  // The generator stream of this compressor (see worker_generator).
  static constexpr uint64_t kStream = static_cast<uint64_t>(CompressorKind::kRandomK);

  int64_t kept() const { return kept_; }  // k in total (sum of k_l)
  int64_t numel() const { return numel_; }
  const torch::Tensor& indices(int slot) const { return slots_.held_indices(slot); }
  const torch::Tensor& values(int slot) const { return slots_.held_values(slot); }

 private:
  using Part = RandomKPart;
  // k distinct positions of [0, n), uniformly drawn with `gen` (see the top), ascending, into
  // out (int64 [k] on the device).
  void draw_positions(int64_t n, int64_t k, torch::Generator& gen, torch::Tensor& out);
  static std::vector<Part> make_parts(const CompressorOptions& options,
                                      const std::vector<TensorSlice>& slices, int64_t numel);

  int64_t numel_;
  bool unbiased_;
  std::vector<Part> parts_;
  int64_t kept_;
  torch::Device device_;
  std::vector<torch::Generator> generators_;  // one per worker
  SparseSlots slots_;
  std::vector<uint8_t> seen_;  // draw_positions' marks, all 0 between calls
};

}  // namespace sasgsim
