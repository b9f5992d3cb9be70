#include "algorithms/compressors/Threshold.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

namespace {

double checked_threshold(double threshold) {
  if (!(threshold > 0.0 && std::isfinite(threshold))) {
    throw std::invalid_argument("threshold: threshold must be positive and finite, got " +
                                std::to_string(threshold));
  }
  return threshold;
}

// The largest float32 not above `threshold`: for float32 x, x > it exactly when x > threshold,
// so the comparison runs in float32 yet means the double threshold (0.001 is no float32).
float float_threshold_below(double threshold) {
  float t = static_cast<float>(threshold);
  if (static_cast<double>(t) > threshold) t = std::nextafter(t, 0.0f);
  return t;
}

}  // namespace

Threshold::Threshold(const CompressorOptions& options, const CompressorSetup& setup)
    : numel_(checked_flat_numel(setup.slices, "threshold")),
      threshold_(checked_threshold(options.threshold)),
      compare_at_(float_threshold_below(threshold_)),
      device_(setup.device),
      abs_(torch::empty({numel_},
                        torch::TensorOptions().dtype(torch::kFloat32).device(setup.device))),
      slots_(setup.slots, std::min(numel_, kInitialCapacity), numel_, setup.device,
             /*exact=*/true) {}

Encoded Threshold::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  check_encode_input("threshold", p, numel_, device_);
  torch::abs_out(abs_, p);
  // nonzero lists the positions in ascending order; its size brings k to the host.
  const torch::Tensor kept = torch::nonzero(abs_.gt(compare_at_)).reshape({-1});
  const int64_t k = kept.numel();
  torch::Tensor indices = slots_.indices(slot, k);
  indices.copy_(kept);
  torch::Tensor values = slots_.values(slot, k);
  torch::index_select_out(values, p, 0, indices);
  return {k, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * k};
}

void Threshold::visit_state(StateArchive& archive) {
  slots_.visit_state(archive);
}

}  // namespace sasgsim
