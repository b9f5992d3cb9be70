#include "models/Cnn.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "models/ModelShape.h"

namespace sasgsim {

int64_t Cnn::flat_features(int64_t height, int64_t width) {
  // Each max-pool halves with floor, as PyTorch's default (ceil_mode = false) does.
  return kConv2Channels * ((height / 2) / 2) * ((width / 2) / 2);
}

Cnn::Cnn(const std::vector<int64_t>& input_shape, int64_t classes) {
  const ModelShape shape = ModelShape::checked("cnn", input_shape, classes);
  if (shape.height < 4 || shape.width < 4) {
    throw std::invalid_argument("cnn: expected H and W of at least 4 pixels, got " +
                                std::to_string(shape.height) + "x" +
                                std::to_string(shape.width));
  }
  const auto conv = [](int64_t in, int64_t out) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kKernel).padding(kKernel / 2));
  };
  conv1_ = register_module("conv1", conv(shape.channels, kConv1Channels));
  conv2_ = register_module("conv2", conv(kConv1Channels, kConv2Channels));
  fc1_ = register_module("fc1", torch::nn::Linear(flat_features(shape.height, shape.width),
                                                  kHidden));
  fc2_ = register_module("fc2", torch::nn::Linear(kHidden, classes));
}

torch::Tensor Cnn::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::max_pool2d(torch::relu(conv1_->forward(x)), 2);
  out = torch::max_pool2d(torch::relu(conv2_->forward(out)), 2);
  out = torch::relu(fc1_->forward(out.flatten(1)));
  return fc2_->forward(out);
}

}  // namespace sasgsim
