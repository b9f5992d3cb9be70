#include "algorithms/compressors/EncodeInput.h"

#include <sstream>
#include <stdexcept>

namespace sasgsim {

void check_encode_input(const char* compressor, const torch::Tensor& p, int64_t numel,
                        const torch::Device& device) {
  if (!p.defined() || p.scalar_type() != torch::kFloat32 || p.dim() != 1 ||
      p.numel() != numel || p.device().type() != device.type()) {
    std::ostringstream os;
    os << compressor << ": p must be a Float [" << numel << "] on " << device;
    if (p.defined()) os << ", got " << p.scalar_type() << " " << p.sizes() << " on " << p.device();
    throw std::logic_error(os.str());
  }
}

}  // namespace sasgsim
