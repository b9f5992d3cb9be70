// The uploaded vector of every algorithm starts as lr * g in float32; computing it in one pass
// keeps per-worker cost down (the same rounding as g.mul_(lr)).
#pragma once

#include <torch/types.h>

namespace sasgsim {

// out = g * lr, elementwise; out and g are float32 [n] on the same device.
inline void scale_into(torch::Tensor& out, const torch::Tensor& g, double lr) {
  torch::mul_out(out, g, torch::scalar_tensor(lr, torch::TensorOptions().dtype(torch::kFloat64)));
}

}  // namespace sasgsim
