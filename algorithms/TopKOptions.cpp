#include "algorithms/TopKOptions.h"

namespace sasgsim {

const Section<TopKOptions>& TopKOptions::section() {
  static const Section<TopKOptions> keys = [] {
    Section<TopKOptions> s;
    s.number("density", &TopKOptions::density, NumberRange::open_closed(0.0, 1.0))
        .alias("h", "the paper's h")
        .meaning("h, the fraction of entries top-k keeps: k = max(1, floor(h n)) per tensor.");
    s.choice("topk_scope", &TopKOptions::scope)
        .meaning("Top-k per parameter tensor (the paper's) or over the flattened model.");
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
