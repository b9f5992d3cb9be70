#include "models/Resnet18.h"

#include <memory>

#include <torch/torch.h>

#include "models/ModelShape.h"

namespace sasgsim {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                       int64_t padding) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .bias(false));
}

// Two 3x3 convolutions with BN; the shortcut is the identity unless the block changes the
// resolution or the width, where it is a strided 1x1 convolution followed by BN.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride)
      : conv1_(register_module("conv1", conv(in_planes, planes, 3, stride, 1))),
        bn1_(register_module("bn1", torch::nn::BatchNorm2d(planes))),
        conv2_(register_module("conv2", conv(planes, planes, 3, 1, 1))),
        bn2_(register_module("bn2", torch::nn::BatchNorm2d(planes))) {
    if (stride != 1 || in_planes != planes) {
      shortcut_ = register_module(
          "shortcut", torch::nn::Sequential(conv(in_planes, planes, 1, stride, 0),
                                            torch::nn::BatchNorm2d(planes)));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
    out = bn2_->forward(conv2_->forward(out));
    out += shortcut_ ? shortcut_->forward(x) : x;
    return torch::relu(out);
  }

 private:
  torch::nn::Conv2d conv1_;
  torch::nn::BatchNorm2d bn1_;
  torch::nn::Conv2d conv2_;
  torch::nn::BatchNorm2d bn2_;
  torch::nn::Sequential shortcut_{nullptr};
};

torch::nn::Sequential make_layer(int64_t& in_planes, int64_t planes, int64_t first_stride) {
  torch::nn::Sequential layer;
  for (int64_t stride : {first_stride, int64_t{1}}) {
    layer->push_back(std::make_shared<BasicBlockImpl>(in_planes, planes, stride));
    in_planes = planes;
  }
  return layer;
}

}  // namespace

Resnet18::Resnet18(const std::vector<int64_t>& input_shape, int64_t classes) {
  const ModelShape shape = ModelShape::checked("resnet18", input_shape, classes);
  conv1_ = register_module("conv1", conv(shape.channels, 64, 3, 1, 1));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(64));
  int64_t in_planes = 64;
  layer1_ = register_module("layer1", make_layer(in_planes, 64, 1));
  layer2_ = register_module("layer2", make_layer(in_planes, 128, 2));
  layer3_ = register_module("layer3", make_layer(in_planes, 256, 2));
  layer4_ = register_module("layer4", make_layer(in_planes, 512, 2));
  linear_ = register_module("linear", torch::nn::Linear(512, classes));
}

torch::Tensor Resnet18::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
  out = layer1_->forward(out);
  out = layer2_->forward(out);
  out = layer3_->forward(out);
  out = layer4_->forward(out);
  // The original's avg_pool2d(out, 4) is a global pool at 32x32; adaptive pooling keeps it
  // global for other resolutions (28x28 ends at 4x4 too).
  out = torch::adaptive_avg_pool2d(out, {1, 1}).flatten(1);
  return linear_->forward(out);
}

}  // namespace sasgsim
