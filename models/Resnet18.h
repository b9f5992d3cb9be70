// ResNet-18, CIFAR variant (kuangliu/pytorch-cifar): 3x3 stem without max-pool, BasicBlocks
// [2, 2, 2, 2] with 64/128/256/512 planes, 1x1 conv + BN shortcuts where the shape changes,
// global average pool, Linear(512, classes). 11,173,962 parameters for 3x32x32 and 10 classes.
// Parameter names follow the Python original (conv1, bn1, layer1.0.conv1, ..., linear).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "models/Model.h"

namespace sasgsim {

class Resnet18 : public Model {
 public:
  // input_shape is one sample's {C, H, W}; throws std::invalid_argument when malformed.
  Resnet18(const std::vector<int64_t>& input_shape, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x) override;

 private:
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::Sequential layer1_{nullptr};
  torch::nn::Sequential layer2_{nullptr};
  torch::nn::Sequential layer3_{nullptr};
  torch::nn::Sequential layer4_{nullptr};
  torch::nn::Linear linear_{nullptr};
};

}  // namespace sasgsim
