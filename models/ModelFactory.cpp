// make_model: an explicit switch from ModelKind to the concrete network.
#include <stdexcept>
#include <string>

#include "models/Cnn.h"
#include "models/Fc512.h"
#include "models/Model.h"
#include "models/Resnet18.h"

namespace sasgsim {

std::shared_ptr<Model> make_model(ModelKind kind, const std::vector<int64_t>& input_shape,
                                  int64_t classes) {
  switch (kind) {
    case ModelKind::kFc512:
      return std::make_shared<Fc512>(input_shape, classes);
    case ModelKind::kResnet18:
      return std::make_shared<Resnet18>(input_shape, classes);
    case ModelKind::kCnn:
      return std::make_shared<Cnn>(input_shape, classes);
  }
  throw std::logic_error("make_model: unknown ModelKind " +
                         std::to_string(static_cast<int>(kind)));
}

}  // namespace sasgsim

namespace sasgsim {
namespace {

// Output size of a convolution with padding p, kernel k, stride s.
int64_t conv_out(int64_t size, int64_t kernel, int64_t stride, int64_t padding) {
  return (size + 2 * padding - kernel) / stride + 1;
}

// Multiply-adds of a convolution over an output of h x w, counted as 2 FLOPs each.
int64_t conv_flops(int64_t in, int64_t out, int64_t kernel, int64_t h, int64_t w) {
  return 2 * in * out * kernel * kernel * h * w;
}

}  // namespace

int64_t forward_flops_per_sample(ModelKind kind, const std::vector<int64_t>& input_shape,
                                 int64_t classes) {
  const int64_t c = input_shape.at(0), h = input_shape.at(1), w = input_shape.at(2);
  switch (kind) {
    case ModelKind::kFc512:
      return 2 * (c * h * w * 512 + 512 * classes);
    case ModelKind::kCnn: {
      int64_t flops = conv_flops(c, Cnn::kConv1Channels, Cnn::kKernel, h, w);
      flops += conv_flops(Cnn::kConv1Channels, Cnn::kConv2Channels, Cnn::kKernel, h / 2, w / 2);
      flops += 2 * Cnn::flat_features(h, w) * Cnn::kHidden + 2 * Cnn::kHidden * classes;
      return flops;
    }
    case ModelKind::kResnet18: {
      int64_t flops = conv_flops(c, 64, 3, h, w);
      int64_t in = 64, hh = h, ww = w;
      for (auto [planes, stride] : {std::pair<int64_t, int64_t>{64, 1}, {128, 2}, {256, 2},
                                    {512, 2}}) {
        for (int64_t block_stride : {stride, int64_t{1}}) {
          const int64_t oh = conv_out(hh, 3, block_stride, 1), ow = conv_out(ww, 3, block_stride, 1);
          flops += conv_flops(in, planes, 3, oh, ow) + conv_flops(planes, planes, 3, oh, ow);
          if (block_stride != 1 || in != planes) flops += conv_flops(in, planes, 1, oh, ow);
          in = planes;
          hh = oh;
          ww = ow;
        }
      }
      return flops + 2 * 512 * classes;
    }
  }
  return 0;
}

}  // namespace sasgsim
