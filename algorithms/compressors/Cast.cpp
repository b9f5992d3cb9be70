#include "algorithms/compressors/Cast.h"

#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {
namespace {

torch::ScalarType checked_dtype(torch::ScalarType dtype) {
  if (dtype != torch::kFloat16 && dtype != torch::kBFloat16) {
    std::ostringstream os;
    os << "cast: dtype must be Half (fp16) or BFloat16 (bf16), got " << dtype;
    throw std::invalid_argument(os.str());
  }
  return dtype;
}

const char* name_of(torch::ScalarType dtype) { return dtype == torch::kFloat16 ? "fp16" : "bf16"; }

void check_input(const torch::Tensor& p, int64_t numel, const torch::Device& device,
                 torch::ScalarType dtype) {
  if (!p.defined() || p.scalar_type() != torch::kFloat32 || p.dim() != 1 ||
      p.numel() != numel || p.device().type() != device.type()) {
    std::ostringstream os;
    os << name_of(dtype) << ": p must be a Float [" << numel << "] on " << device;
    if (p.defined()) os << ", got " << p.scalar_type() << " " << p.sizes() << " on " << p.device();
    throw std::logic_error(os.str());
  }
}

}  // namespace

Cast::Cast(torch::ScalarType dtype, const CompressorSetup& setup)
    : dtype_(checked_dtype(dtype)),
      numel_(checked_flat_numel(setup.slices, name_of(dtype_))),
      device_(setup.device),
      narrow_(torch::empty({numel_}, torch::TensorOptions().dtype(dtype_).device(setup.device))),
      slots_(setup.slots, numel_, setup.device) {}

Encoded Cast::encode(int /*worker*/, const torch::Tensor& p, int slot) {
  check_input(p, numel_, device_, dtype_);
  narrow_.copy_(p);  // rounds to nearest, ties to even
  slots_.row(slot).copy_(narrow_);
  return {numel_, kUploadHeaderBytes + kEntryBytes * numel_};
}

void Cast::visit_state(StateArchive& archive) {
  slots_.visit_state(archive);
}

}  // namespace sasgsim
