// Distributed SGD (baseline), the shortcut for always + identity (rules/AlwaysSend.h): every
// worker uploads lr * g dense every iteration; the server applies theta <- theta - sum_m lr * g_m
// (a sum over workers, not a mean).
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/SgdOptions.h"
#include "algorithms/rules/AlwaysSend.h"

namespace sasgsim {

class Sgd : public AlwaysSend {
 public:
  using Options = SgdOptions;

  Sgd(const SgdOptions& options, int workers, const std::vector<TensorSlice>& slices,
      torch::Device device);
};

}  // namespace sasgsim
