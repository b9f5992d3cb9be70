// threshold: every entry of p with |p_i| > threshold (strictly greater), sent as positions and
// values; the count k varies from message to message (0: the header alone). The values are
// p at the positions, so error feedback zeroes them exactly.
// Wire: header (16 bytes) + per kept entry a float32 value and an int32 position (8 bytes),
// positions ascending. The comparison is exact against the double threshold (p is float32).
// Finding the positions needs k on the host (torch::nonzero), a device synchronization per
// encode on an accelerator.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class Threshold : public Compressor {
 public:
  // Throws std::invalid_argument unless threshold is positive and finite and the slices tile
  // [0, n).
  Threshold(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int slot) const override { return slots_.held(slot); }
  // A comparison over p and a compaction (nonzero), measured on CPU against top-k's selection (bench/compressor_cost, bench/RESULTS.md)
  // (about 1.2% of the entries kept).
  static constexpr double kCost = 2.8;
  double cost() const override { return kCost; }

  // Slots start with room for this many entries and grow when a message needs more.
  static constexpr int64_t kInitialCapacity = 1024;

  double threshold() const { return threshold_; }
  const torch::Tensor& indices(int slot) const { return slots_.held_indices(slot); }
  const torch::Tensor& values(int slot) const { return slots_.held_values(slot); }

 private:
  int64_t numel_;
  double threshold_;
  float compare_at_;  // the float32 comparison bound equivalent to threshold_
  torch::Device device_;
  torch::Tensor abs_;  // [n] scratch: |p|
  SparseSlots slots_;
};

}  // namespace sasgsim
