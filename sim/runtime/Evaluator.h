// Test-set evaluation: mean cross-entropy, top-1 and top-5 accuracy, in eval mode.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace sasgsim {

class Model;

struct EvalResult {
  double loss = 0.0;       // mean cross-entropy
  double top1_pct = 0.0;   // percent
  double top5_pct = 0.0;   // percent (equals 100 when there are <= 5 classes)
};

// Evaluates `model` on images/labels (already on the model's device) in batches of
// `batch_size`; restores train mode afterwards.
EvalResult evaluate(Model& model, const torch::Tensor& images, const torch::Tensor& labels,
                    int64_t batch_size);

}  // namespace sasgsim
