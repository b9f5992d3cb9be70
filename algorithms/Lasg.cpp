#include "algorithms/Lasg.h"

#include "algorithms/ComposedOptions.h"
#include "algorithms/compressors/Identity.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const LasgOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Lasg>(options, setup.workers, setup.slices, setup.device);
}

Lasg::Lasg(const LasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
           torch::Device device)
    : LazyAlgorithm(LasgOptions::kName, options.rule, composed_form(options).compressor, false,
                    {workers, slices, device}) {}

const torch::Tensor& Lasg::stored(int worker) const {
  checker_.check_worker(worker, "stored");
  return static_cast<const Identity&>(compressor()).message(worker);
}

}  // namespace sasgsim
