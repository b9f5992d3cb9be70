// LASG with the WK2 rule: dense uploads, skipped when the gradient changed little.
#pragma once

#include <memory>

#include "algorithms/AlgorithmSetup.h"
#include "algorithms/LazyRuleOptions.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

struct LasgOptions {
  LazyRuleOptions rule;

  static constexpr const char* kName = "lasg";
  static constexpr const char* kSummary =
      "Dense uploads, skipped when the LASG-WK2 rule says the gradient changed little.";
  static const AlgorithmTraits kTraits;
  static const Section<LasgOptions>& section();
};

// Defined with the algorithm (algorithms/Lasg.cpp).
std::unique_ptr<Algorithm> make_algorithm(const LasgOptions& options, const AlgorithmSetup& setup);

}  // namespace sasgsim
