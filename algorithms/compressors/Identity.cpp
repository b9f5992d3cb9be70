#include "algorithms/compressors/Identity.h"

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

Identity::Identity(const CompressorSetup& setup)
    : numel_(checked_flat_numel(setup.slices, "identity")),
      slots_(setup.slots, numel_, setup.device) {}

Encoded Identity::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  slots_.row(slot).copy_(p);
  return {numel_, dense_payload_bytes(numel_)};
}

void Identity::visit_state(StateArchive& archive) {
  slots_.visit_state(archive);
}

}  // namespace sasgsim
