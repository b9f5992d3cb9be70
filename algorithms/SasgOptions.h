// SASG: LASG's lazy rule plus top-k with error feedback.
#pragma once

#include <memory>

#include "algorithms/AlgorithmSetup.h"
#include "algorithms/LazyRuleOptions.h"
#include "algorithms/TopKOptions.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

struct SasgOptions {
  TopKOptions topk;
  LazyRuleOptions rule;

  static constexpr const char* kName = "sasg";
  static constexpr const char* kSummary = "LASG's lazy rule plus top-k with error feedback.";
  static const AlgorithmTraits kTraits;
  static const Section<SasgOptions>& section();
};

// Defined with the algorithm (algorithms/Sasg.cpp).
std::unique_ptr<Algorithm> make_algorithm(const SasgOptions& options, const AlgorithmSetup& setup);

}  // namespace sasgsim
