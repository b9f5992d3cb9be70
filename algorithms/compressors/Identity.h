// identity: the message is p itself, dense float32.
// Wire: header (16 bytes) + 4 bytes per entry.
#pragma once

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

class Identity : public Compressor {
 public:
  explicit Identity(const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  double cost() const override { return 0.0; }

  const torch::Tensor& message(int slot) const { return slots_.row(slot); }

 private:
  int64_t numel_;
  DenseSlots slots_;
};

}  // namespace sasgsim
