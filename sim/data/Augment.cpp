#include "sim/data/Augment.h"

#include <stdexcept>
#include <string>

#include "sim/data/SeededRandom.h"

namespace sasgsim {

torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            const std::vector<float>& pad_value, std::mt19937_64& rng) {
  if (images.dim() != 4 || images.scalar_type() != torch::kFloat32) {
    throw std::invalid_argument("augment_batch: expected float32 [b, C, H, W] images");
  }
  const int64_t b = images.size(0), channels = images.size(1), h = images.size(2),
                w = images.size(3);
  if (static_cast<int64_t>(pad_value.size()) != channels) {
    throw std::invalid_argument("augment_batch: " + std::to_string(pad_value.size()) +
                                " pad values for " + std::to_string(channels) + " channels");
  }
  if (options.crop_padding < 0) {
    throw std::invalid_argument("augment_batch: negative crop_padding");
  }
  const int64_t pad = options.crop_padding;
  const torch::Tensor src_tensor = images.contiguous().cpu();
  torch::Tensor out = torch::empty_like(src_tensor);
  const float* src = src_tensor.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t plane = h * w;
  for (int64_t i = 0; i < b; ++i) {
    const int64_t dy = pad > 0 ? static_cast<int64_t>(uniform_below(rng, 2 * pad + 1)) - pad : 0;
    const int64_t dx = pad > 0 ? static_cast<int64_t>(uniform_below(rng, 2 * pad + 1)) - pad : 0;
    const bool flip = options.horizontal_flip && (rng() >> 63) != 0;
    for (int64_t c = 0; c < channels; ++c) {
      const float* s = src + (i * channels + c) * plane;
      float* d = dst + (i * channels + c) * plane;
      for (int64_t y = 0; y < h; ++y) {
        const int64_t sy = y + dy;
        const bool row_inside = sy >= 0 && sy < h;
        for (int64_t x = 0; x < w; ++x) {
          // Crop first, then flip the cropped image: column x reads cropped column w-1-x.
          const int64_t sx = (flip ? w - 1 - x : x) + dx;
          d[y * w + x] = row_inside && sx >= 0 && sx < w ? s[sy * w + sx] : pad_value[c];
        }
      }
    }
  }
  return out.to(images.device());
}

}  // namespace sasgsim
