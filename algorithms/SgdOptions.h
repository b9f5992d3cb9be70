// Distributed SGD (the baseline): no options of its own.
#pragma once

#include <memory>

#include "algorithms/AlgorithmSetup.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

struct SgdOptions {
  static constexpr const char* kName = "sgd";
  static constexpr const char* kSummary =
      "Distributed SGD: every worker uploads lr * g dense every iteration.";
  static const AlgorithmTraits kTraits;
  static const Section<SgdOptions>& section();
};

// Defined with the algorithm (algorithms/Sgd.cpp).
std::unique_ptr<Algorithm> make_algorithm(const SgdOptions& options, const AlgorithmSetup& setup);

}  // namespace sasgsim
