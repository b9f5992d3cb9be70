#include "models/Fc512.h"

#include <torch/torch.h>

#include "models/ModelShape.h"

namespace sasgsim {

Fc512::Fc512(const std::vector<int64_t>& input_shape, int64_t classes) {
  const ModelShape shape = ModelShape::checked("fc512", input_shape, classes);
  fc1_ = register_module("fc1", torch::nn::Linear(shape.sample_numel(), kHidden));
  fc2_ = register_module("fc2", torch::nn::Linear(kHidden, classes));
}

torch::Tensor Fc512::forward(const torch::Tensor& x) {
  return fc2_->forward(torch::relu(fc1_->forward(x.flatten(1))));
}

}  // namespace sasgsim
