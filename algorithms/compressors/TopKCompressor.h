// topk: the k entries of p of largest |value| (TopK.h: per tensor or over the model), sent as
// positions and values.
// Wire: header (16 bytes) + per kept entry a float32 value and an int32 position (8 bytes).
#pragma once

#include "algorithms/TopK.h"
#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class TopKCompressor : public Compressor {
 public:
  TopKCompressor(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  Encoded encode_with_feedback(int worker, torch::Tensor& e, const torch::Tensor& message,
                               int slot) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int slot) const override { return slots_.held(slot); }
  double cost() const override { return 1.0; }

  int64_t kept() const { return topk_.kept(); }
  const torch::Tensor& indices(int slot) const { return slots_.held_indices(slot); }
  const torch::Tensor& values(int slot) const { return slots_.held_values(slot); }

 private:
  Encoded wire_size() const;  // every message: k values and positions
  TopK topk_;
  SparseSlots slots_;
};

}  // namespace sasgsim
