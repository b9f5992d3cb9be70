#include "algorithms/compressors/TopKCompressor.h"

#include <torch/torch.h>

#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

TopKCompressor::TopKCompressor(const CompressorOptions& options, const CompressorSetup& setup)
    : topk_(setup.slices, options.density, options.scope, setup.device),
      slots_(setup.slots, topk_.kept(), topk_.numel(), setup.device, /*exact=*/true) {}

Encoded TopKCompressor::wire_size() const {
  const int64_t k = topk_.kept();
  return {k, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * k};
}

Encoded TopKCompressor::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  const int64_t k = topk_.kept();
  topk_.select(p, slots_.indices(slot, k), slots_.values(slot, k));
  return wire_size();
}

Encoded TopKCompressor::encode_with_feedback(int /*worker*/, torch::Tensor& e,
                                             const torch::Tensor& message, int slot) {
  const int64_t k = topk_.kept();
  topk_.select_with_feedback(e, message, slots_.indices(slot, k), slots_.values(slot, k));
  return wire_size();
}

void TopKCompressor::visit_state(StateArchive& archive) {
  slots_.visit_state(archive);
}

}  // namespace sasgsim
