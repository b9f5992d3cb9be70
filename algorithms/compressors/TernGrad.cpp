#include "algorithms/compressors/TernGrad.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

TernGrad::TernGrad(const CompressorOptions& /*options*/, const CompressorSetup& setup)
    : slices_(setup.slices),
      numel_(checked_flat_numel(setup.slices, "terngrad")),
      device_(setup.device),
      uniform_(torch::empty({numel_},
                            torch::TensorOptions().dtype(torch::kFloat32).device(setup.device))),
      slots_(setup.slots, numel_, setup.device) {
  if (setup.workers < 1) {
    throw std::invalid_argument("terngrad: workers must be >= 1, got " +
                                std::to_string(setup.workers));
  }
  for (int w = 0; w < setup.workers; ++w) {
    generators_.push_back(worker_generator(setup.seed, w, kStream, setup.device));
  }
}

void TernGrad::ternarize(const torch::Tensor& p, const torch::Tensor& uniform,
                         const std::vector<TensorSlice>& slices, torch::Tensor& out) {
  torch::abs_out(out, p);
  for (const TensorSlice& s : slices) {
    torch::Tensor part = out.narrow(0, s.offset, s.numel);  // |p| of the tensor, in place
    // The scale stays on the device: no synchronization per tensor.
    const torch::Tensor scale = part.max();
    // |p_i| / s_l <= 1 exactly (division is correctly rounded), = 1 where |p_i| = s_l, so
    // those entries are always kept; 0 / 0 = NaN keeps nothing in an all-zero tensor.
    const torch::Tensor keep = uniform.narrow(0, s.offset, s.numel).lt(part.div(scale));
    part.copy_(keep).mul_(scale);
  }
  out.mul_(torch::sign(p));
}

Encoded TernGrad::encode(int worker, const torch::Tensor& p, int slot) {
  if (worker < 0 || worker >= static_cast<int>(generators_.size())) {
    throw std::logic_error("terngrad: worker " + std::to_string(worker) + " out of range [0, " +
                           std::to_string(generators_.size()) + ")");
  }
  check_encode_input("terngrad", p, numel_, device_);
  uniform_.uniform_(0.0, 1.0, generators_[static_cast<size_t>(worker)]);
  ternarize(p, uniform_, slices_, slots_.row(slot));
  const auto tensors = static_cast<int64_t>(slices_.size());
  return {numel_, kUploadHeaderBytes + kValueBytes * tensors + bytes_for_bits(2 * numel_)};
}

void TernGrad::visit_state(StateArchive& archive) {
  archive.generators("generator", generators_);
  slots_.visit_state(archive);
}

}  // namespace sasgsim
