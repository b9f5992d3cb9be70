// A composed algorithm: a rule (when a worker uploads) with a compressor (what it uploads) and an
// error-feedback switch, e.g. {"rule": "lazy", "compressor": {"name": "qsgd", "levels": 16}}.
// The paper's four are shortcuts for composed forms (composed_form below): sgd = always +
// identity, sparse = always + topk + error feedback, lasg = lazy + identity, sasg = lazy + topk +
// error feedback. Torch-free: the scenario parser reads it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "algorithms/AlgorithmSetup.h"
#include "algorithms/LasgOptions.h"
#include "algorithms/LazyRuleOptions.h"
#include "algorithms/SasgOptions.h"
#include "algorithms/SgdOptions.h"
#include "algorithms/SparseOptions.h"
#include "algorithms/compressors/CompressorOptions.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

enum class RuleKind { kAlways, kLazy, kPeriodic };

template <>
struct EnumNames<RuleKind> {
  static constexpr std::pair<RuleKind, const char*> kNames[] = {
      {RuleKind::kAlways, "always"},
      {RuleKind::kLazy, "lazy"},
      {RuleKind::kPeriodic, "periodic"},
  };
};

struct ComposedOptions {
  RuleKind rule = RuleKind::kAlways;
  CompressorOptions compressor;  // identity unless given
  bool error_feedback = false;   // e_m <- p - decoded(p), added to the next upload
  LazyRuleOptions lazy;          // rule "lazy": the LASG-WK2 rule's D, kappa, ...
  int64_t period = 4;            // rule "periodic": H, local steps between uploads

  static constexpr const char* kName = "composed";
  static constexpr bool kNameOptional = true;  // an entry with "rule" is a composed one
  static constexpr const char* kSummary =
      "A rule (always, lazy, periodic) composed with a compressor and optional error feedback; "
      "entries with \"rule\" need no \"name\".";
  static const AlgorithmTraits kTraits;  // the defaults' (always + identity)
  static const Section<ComposedOptions>& section();
};

// What a composed algorithm does and costs, for the reports.
AlgorithmTraits entry_traits(const ComposedOptions& options);
// "<rule>-<compressor>", plus "-ef" with error feedback: the label an entry gets by default.
std::string default_label(const ComposedOptions& options);

// The composed forms of the four shortcuts (the same results, bit for bit).
ComposedOptions composed_form(const SgdOptions& options);
ComposedOptions composed_form(const SparseOptions& options);
ComposedOptions composed_form(const LasgOptions& options);
ComposedOptions composed_form(const SasgOptions& options);

// Defined with the rules (algorithms/rules/Composed.cpp).
std::unique_ptr<Algorithm> make_algorithm(const ComposedOptions& options,
                                          const AlgorithmSetup& setup);

}  // namespace sasgsim
