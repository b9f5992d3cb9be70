#include "algorithms/compressors/TopKCompressor.h"

#include <torch/torch.h>

namespace sasgsim {

TopKCompressor::TopKCompressor(const CompressorOptions& options, const CompressorSetup& setup)
    : topk_(setup.slices, options.density, options.scope, setup.device),
      slots_(setup.slots, topk_.kept(), topk_.numel(), setup.device, /*exact=*/true) {}

Encoded TopKCompressor::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  const int64_t k = topk_.kept();
  topk_.select(p, slots_.indices(slot, k), slots_.values(slot, k));
  return {k, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * k};
}

}  // namespace sasgsim
