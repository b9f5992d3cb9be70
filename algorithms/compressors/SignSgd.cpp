#include "algorithms/compressors/SignSgd.h"

#include <stdexcept>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

SignSgd::SignSgd(const CompressorOptions& /*options*/, const CompressorSetup& setup)
    : slices_(setup.slices),
      numel_(checked_flat_numel(setup.slices, "signsgd")),
      device_(setup.device),
      slots_(setup.slots, numel_, setup.device) {}

Encoded SignSgd::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  check_encode_input("signsgd", p, numel_, device_);
  torch::Tensor& row = slots_.row(slot);
  // +1 where p >= 0 (zero included), -1 elsewhere: 2 [p >= 0] - 1.
  row.copy_(p.ge(0.0f)).mul_(2.0f).sub_(1.0f);
  for (const TensorSlice& s : slices_) {
    // The scale stays on the device: no synchronization per tensor.
    const torch::Tensor part = p.narrow(0, s.offset, s.numel);
    const torch::Tensor scale = part.abs().sum().div_(static_cast<double>(s.numel));
    row.narrow(0, s.offset, s.numel).mul_(scale);
  }
  const auto tensors = static_cast<int64_t>(slices_.size());
  return {numel_, kUploadHeaderBytes + kValueBytes * tensors + bytes_for_bits(numel_)};
}

void SignSgd::visit_state(StateArchive& archive) {
  slots_.visit_state(archive);
}

}  // namespace sasgsim
