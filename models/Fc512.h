// The MNIST fully connected net of the paper: flatten -> Linear(C*H*W, 512) -> ReLU ->
// Linear(512, classes). 407,050 parameters in 4 tensors for 1x28x28 inputs and 10 classes.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/modules/linear.h>

#include "models/Model.h"

namespace sasgsim {

class Fc512 : public Model {
 public:
  static constexpr int64_t kHidden = 512;

  // input_shape is one sample's {C, H, W}; throws std::invalid_argument when malformed.
  Fc512(const std::vector<int64_t>& input_shape, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};

}  // namespace sasgsim
