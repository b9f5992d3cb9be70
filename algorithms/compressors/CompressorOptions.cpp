#include "algorithms/compressors/CompressorOptions.h"

#include <limits>

namespace sasgsim {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
// float32 level arithmetic holds every integer level up to 2^24.
constexpr int64_t kMaxLevels = int64_t{1} << 24;

void declare_sparse_keys(Section<CompressorOptions>& s) {
  s.number("density", &CompressorOptions::density, NumberRange::open_closed(0.0, 1.0))
      .when("name", {"topk", "randomk", "dgc"})
      .meaning("The fraction of entries kept: k = max(1, floor(density n)) per tensor (or over "
               "the model with scope \"global\"); DGC's final density.");
  s.choice("scope", &CompressorOptions::scope)
      .when("name", {"topk", "randomk", "dgc"})
      .meaning("Choose k per parameter tensor or over the flattened model.");
  s.boolean("unbiased", &CompressorOptions::unbiased)
      .when("name", {"randomk"})
      .meaning("Scale the kept entries by n / k so that the message is an unbiased estimate.");
  s.number("threshold", &CompressorOptions::threshold, NumberRange::positive())
      .when("name", {"threshold"})
      .meaning("Keep the entries with abs(value) > threshold (of lr * g, plus the residual with "
               "error feedback).");
}

void declare_quantizer_keys(Section<CompressorOptions>& s) {
  s.integer("levels", &CompressorOptions::levels, 1, kMaxLevels)
      .when("name", {"qsgd"})
      .meaning("s, the quantization levels per sign.");
  s.integer("bucket", &CompressorOptions::bucket, 0, kMaxInt)
      .when("name", {"qsgd"})
      .meaning("Entries sharing one norm; 0: one norm per parameter tensor.");
  s.boolean("elias", &CompressorOptions::elias)
      .when("name", {"qsgd"})
      .meaning("Encode the nonzero levels with Elias-omega codes of their gaps and levels (the "
               "QSGD paper's coding) instead of fixed-width bit packing.");
}

void declare_low_rank_and_dgc_keys(Section<CompressorOptions>& s) {
  s.integer("rank", &CompressorOptions::rank, 1, kMaxInt)
      .when("name", {"powersgd"})
      .meaning("r, the rank of each matrix's approximation (at most its smaller side).");
  s.boolean("warm_start", &CompressorOptions::warm_start)
      .when("name", {"powersgd"})
      .meaning("Start each power iteration from the previous Q (the authors' warm start).");
  s.number("momentum", &CompressorOptions::momentum, NumberRange{0.0, 1.0, true, true, false, true})
      .when("name", {"dgc"})
      .meaning("The momentum of DGC's momentum correction.");
  s.number("clip_norm", &CompressorOptions::clip_norm, NumberRange::non_negative())
      .when("name", {"dgc"})
      .meaning("Local gradient clipping: g is scaled down to L2 norm clip_norm / sqrt(M) when "
               "longer; 0: off.");
  s.integer("warmup_iterations", &CompressorOptions::warmup_iterations, 0, kMaxInt)
      .when("name", {"dgc"})
      .meaning("DGC's density warm-up: four equal stages at densities 0.25, 0.0625, 0.015625 "
               "and 0.0039 (never below density), then density; 0: density from the start.");
}

}  // namespace

const Section<CompressorOptions>& CompressorOptions::section() {
  static const Section<CompressorOptions> keys = [] {
    Section<CompressorOptions> s;
    s.choice("name", &CompressorOptions::kind)
        .required()
        .meaning("What an upload is made of (docs/algorithms.md gives each one's encoding).");
    declare_sparse_keys(s);
    declare_quantizer_keys(s);
    declare_low_rank_and_dgc_keys(s);
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
