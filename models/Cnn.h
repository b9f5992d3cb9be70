// A small CNN for quick tests: conv5x5(C, 32) + ReLU + maxpool 2, conv5x5(32, 64) + ReLU +
// maxpool 2, Linear(64 * (H/4) * (W/4), 512) + ReLU, Linear(512, classes). Padding 2 keeps
// the convolutions size-preserving, so 28x28 and 32x32 inputs both work.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "models/Model.h"

namespace sasgsim {

class Cnn : public Model {
 public:
  static constexpr int64_t kConv1Channels = 32;
  static constexpr int64_t kConv2Channels = 64;
  static constexpr int64_t kKernel = 5;
  static constexpr int64_t kHidden = 512;

  // input_shape is one sample's {C, H, W} with H, W >= 4; throws std::invalid_argument
  // otherwise.
  Cnn(const std::vector<int64_t>& input_shape, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x) override;

  // Entries of the flattened feature map entering fc1: 64 * floor(floor(H/2)/2) * (same for W).
  static int64_t flat_features(int64_t height, int64_t width);

 private:
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};

}  // namespace sasgsim
