// make_algorithm for a composed entry: its rule's class with its compressor.
#include "algorithms/ComposedOptions.h"
#include "algorithms/rules/AlwaysSend.h"
#include "algorithms/rules/LazyAlgorithm.h"
#include "algorithms/rules/Periodic.h"

namespace sasgsim {

std::unique_ptr<Algorithm> make_algorithm(const ComposedOptions& options,
                                          const AlgorithmSetup& setup) {
  const char* name = ComposedOptions::kName;
  switch (options.rule) {
    case RuleKind::kAlways:
      return std::make_unique<AlwaysSend>(name, options.compressor, options.error_feedback, setup);
    case RuleKind::kLazy:
      return std::make_unique<LazyAlgorithm>(name, options.lazy, options.compressor,
                                             options.error_feedback, setup);
    case RuleKind::kPeriodic:
      return std::make_unique<Periodic>(name, options.period, options.compressor,
                                        options.error_feedback, setup);
  }
  throw std::invalid_argument("make_algorithm: unknown rule");
}

}  // namespace sasgsim
