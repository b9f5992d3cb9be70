#include "algorithms/Sasg.h"

#include "algorithms/ComposedOptions.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const SasgOptions& options, const AlgorithmSetup& setup) {
  return std::make_unique<Sasg>(options, setup.workers, setup.slices, setup.device);
}

Sasg::Sasg(const SasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
           torch::Device device)
    : LazyAlgorithm(SasgOptions::kName, options.rule, composed_form(options).compressor,
                    composed_form(options).error_feedback, {workers, slices, device}) {}

const torch::Tensor& Sasg::stored_indices(int worker) const {
  checker_.check_worker(worker, "stored_indices");
  return topk().indices(worker);
}

const torch::Tensor& Sasg::stored_values(int worker) const {
  checker_.check_worker(worker, "stored_values");
  return topk().values(worker);
}

}  // namespace sasgsim
