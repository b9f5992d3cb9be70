#include "sim/data/ShapeConversion.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

}  // namespace

std::vector<int64_t> common_sample_shape(const std::vector<int64_t>& a,
                                         const std::vector<int64_t>& b) {
  if (a.size() != 3 || b.size() != 3) {
    throw DataError("cannot bring samples of shape " + shape_text(a) + " and " + shape_text(b) +
                    " to one shape: expected C x H x W");
  }
  if (a[0] != b[0] && a[0] != 1 && b[0] != 1) {
    throw DataError("cannot bring samples of shape " + shape_text(a) + " and " + shape_text(b) +
                    " to one shape: the channel counts differ and neither is 1");
  }
  return {std::max(a[0], b[0]), std::max(a[1], b[1]), std::max(a[2], b[2])};
}

void convert_images_into(const torch::Tensor& images, const std::vector<float>& pad_value,
                         torch::Tensor out) {
  torch::NoGradGuard no_grad;
  const int64_t c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t oc = out.size(1), oh = out.size(2), ow = out.size(3);
  if (out.size(0) != images.size(0) || (c != oc && c != 1) || h > oh || w > ow ||
      static_cast<int64_t>(pad_value.size()) != c) {
    throw std::invalid_argument("convert_images_into: cannot write [" +
                                shape_text(images.sizes().vec()) + "] into [" +
                                shape_text(out.sizes().vec()) + "]");
  }
  const int64_t top = (oh - h) / 2, left = (ow - w) / 2;
  if (h != oh || w != ow) {
    for (int64_t k = 0; k < oc; ++k) out.select(1, k).fill_(pad_value[c == 1 ? 0 : k]);
  }
  // copy_ broadcasts a single source channel over all output channels.
  out.narrow(2, top, h).narrow(3, left, w).copy_(images);
}

Dataset convert_to_shape(const Dataset& source, const std::vector<int64_t>& shape) {
  Dataset out;
  out.images = torch::empty({source.size(), shape.at(0), shape.at(1), shape.at(2)},
                            source.images.options());
  convert_images_into(source.images, source.pad_value, out.images);
  out.labels = source.labels;
  out.classes = source.classes;
  out.pad_value = source.pad_value.size() == 1
                      ? std::vector<float>(static_cast<size_t>(shape[0]), source.pad_value[0])
                      : source.pad_value;
  return out;
}

}  // namespace sasgsim
