// Options of the top-k operator T_k (SPEC-algorithms.md): the density h and whether k is chosen
// per parameter tensor or over the flattened model. Torch-free: the scenario parser reads them.
#pragma once

#include <utility>

#include "sim/scenario/EnumNames.h"
#include "sim/scenario/Schema.h"

namespace sasgsim {

enum class TopkScope { kPerTensor, kGlobal };

template <>
struct EnumNames<TopkScope> {
  static constexpr std::pair<TopkScope, const char*> kNames[] = {
      {TopkScope::kPerTensor, "per_tensor"},
      {TopkScope::kGlobal, "global"},
  };
};

struct TopKOptions {
  double density = 0.01;                    // h, in (0, 1]: k = max(1, floor(h n)) per tensor
  TopkScope scope = TopkScope::kPerTensor;  // per parameter tensor (the paper's) or global

  // The keys "density" and "topk_scope".
  static const Section<TopKOptions>& section();
};

}  // namespace sasgsim
