// What a worker's upload is made of: the compressor of a composed algorithm and its options
// (docs/algorithms.md says what each one sends and costs). Torch-free: the scenario parser
// reads them; algorithms/compressors/Compressor.h builds the compressors.
#pragma once

#include <cstdint>
#include <utility>

#include "algorithms/TopKOptions.h"
#include "sim/scenario/EnumNames.h"
#include "sim/scenario/Schema.h"

namespace sasgsim {

enum class CompressorKind {
  kIdentity,
  kTopK,
  kRandomK,
  kThreshold,
  kQsgd,
  kSignSgd,
  kTernGrad,
  kPowerSgd,
  kDgc,
  kFp16,
  kBf16,
};

template <>
struct EnumNames<CompressorKind> {
  static constexpr std::pair<CompressorKind, const char*> kNames[] = {
      {CompressorKind::kIdentity, "identity"},   {CompressorKind::kTopK, "topk"},
      {CompressorKind::kRandomK, "randomk"},     {CompressorKind::kThreshold, "threshold"},
      {CompressorKind::kQsgd, "qsgd"},           {CompressorKind::kSignSgd, "signsgd"},
      {CompressorKind::kTernGrad, "terngrad"},   {CompressorKind::kPowerSgd, "powersgd"},
      {CompressorKind::kDgc, "dgc"},             {CompressorKind::kFp16, "fp16"},
      {CompressorKind::kBf16, "bf16"},
  };
};

struct CompressorOptions {
  CompressorKind kind = CompressorKind::kIdentity;  // "name"
  // topk, randomk, dgc: the fraction of entries kept, k = max(1, floor(density n)) per tensor
  // (or over the model with scope "global").
  double density = 0.01;
  TopkScope scope = TopkScope::kPerTensor;
  bool unbiased = false;        // randomk: scale the kept entries by n / k (unbiased estimate)
  double threshold = 1e-3;      // threshold: keep the entries with |p| > threshold
  int64_t levels = 16;          // qsgd: s, the quantization levels per sign
  int64_t bucket = 0;           // qsgd: entries per norm; 0 = one norm per tensor
  bool elias = false;           // qsgd: Elias-omega coding of the nonzero levels (QSGD paper)
  int64_t rank = 1;             // powersgd: r
  bool warm_start = true;       // powersgd: reuse last iteration's Q (else a fresh random Q)
  double momentum = 0.9;        // dgc: momentum of the correction, in [0, 1)
  double clip_norm = 0.0;       // dgc: local L2 clipping of g at clip_norm / sqrt(M); 0 = off
  int64_t warmup_iterations = 0;  // dgc: density warm-up length (0 = the final density at once)

  // The keys "name", "density", "scope", ... each applying to the compressors that use it.
  static const Section<CompressorOptions>& section();
};

}  // namespace sasgsim
