#include "algorithms/Sgd.h"

#include "algorithms/ComposedOptions.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SgdOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Sgd>(options, setup.workers, setup.slices, setup.device);
}

Sgd::Sgd(const SgdOptions& options, int workers, const std::vector<TensorSlice>& slices,
         torch::Device device)
    : AlwaysSend(SgdOptions::kName, composed_form(options).compressor, false,
                 {workers, slices, device}) {}

}  // namespace sasgsim
