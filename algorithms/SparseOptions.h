// Sparse (the baseline): top-k with error feedback every iteration.
#pragma once

#include <memory>

#include "algorithms/AlgorithmSetup.h"
#include "algorithms/TopKOptions.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

struct SparseOptions {
  TopKOptions topk;

  static constexpr const char* kName = "sparse";
  static constexpr const char* kSummary =
      "Top-k sparsification with error feedback, every worker every iteration.";
  static const AlgorithmTraits kTraits;
  static const Section<SparseOptions>& section();
};

// Defined with the algorithm (algorithms/Sparse.cpp).
std::unique_ptr<Algorithm> make_algorithm(const SparseOptions& options,
                                          const AlgorithmSetup& setup);

}  // namespace sasgsim
