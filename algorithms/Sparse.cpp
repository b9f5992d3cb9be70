#include "algorithms/Sparse.h"

#include "algorithms/ComposedOptions.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SparseOptions& options,
                                          const AlgorithmSetup& setup) {
  return std::make_unique<Sparse>(options, setup.workers, setup.slices, setup.device);
}

Sparse::Sparse(const SparseOptions& options, int workers, const std::vector<TensorSlice>& slices,
               torch::Device device)
    : AlwaysSend(SparseOptions::kName, composed_form(options).compressor,
                 composed_form(options).error_feedback, {workers, slices, device}) {}

}  // namespace sasgsim
