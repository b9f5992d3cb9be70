#include "sim/data/Augment.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/data/SeededRandom.h"

namespace sasgsim {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Rotates one [h, w] plane (see rotate_image) from src into dst; src and dst must not overlap.
void rotate_plane(const float* src, float* dst, int64_t h, int64_t w, double cos_a, double sin_a,
                  float fill) {
  const double cy = 0.5 * static_cast<double>(h - 1);
  const double cx = 0.5 * static_cast<double>(w - 1);
  for (int64_t y = 0; y < h; ++y) {
    const double v = static_cast<double>(y) - cy;
    for (int64_t x = 0; x < w; ++x) {
      const double u = static_cast<double>(x) - cx;
      // The inverse of the counter-clockwise rotation, in coordinates whose y axis points down.
      const double sx = std::floor(cx + u * cos_a - v * sin_a + 0.5);
      const double sy = std::floor(cy + u * sin_a + v * cos_a + 0.5);
      const bool inside = sx >= 0.0 && sx < static_cast<double>(w) && sy >= 0.0 &&
                          sy < static_cast<double>(h);
      dst[y * w + x] = inside ? src[static_cast<int64_t>(sy) * w + static_cast<int64_t>(sx)] : fill;
    }
  }
}

void check_rotation(double degrees) {
  if (!(degrees >= 0.0 && degrees <= 180.0)) {
    throw std::invalid_argument("augment_batch: rotation_degrees must be in [0, 180], got " +
                                std::to_string(degrees));
  }
}

}  // namespace

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
  check_rotation(options.rotation_degrees);
  const int64_t pad = options.crop_padding;
  const double max_degrees = options.rotation_degrees;
  const torch::Tensor src_tensor = images.contiguous().cpu();
  torch::Tensor out = torch::empty_like(src_tensor);
  const float* src = src_tensor.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t plane = h * w;
  std::vector<float> cropped(max_degrees > 0.0 ? static_cast<size_t>(plane) : 0);
  for (int64_t i = 0; i < b; ++i) {
    const int64_t dy = pad > 0 ? static_cast<int64_t>(uniform_below(rng, 2 * pad + 1)) - pad : 0;
    const int64_t dx = pad > 0 ? static_cast<int64_t>(uniform_below(rng, 2 * pad + 1)) - pad : 0;
    const bool flip = options.horizontal_flip && (rng() >> 63) != 0;
    // Drawn only when rotation is on, so runs without it keep their earlier draws.
    const double degrees =
        max_degrees > 0.0 ? max_degrees * (2.0 * uniform_unit(rng) - 1.0) : 0.0;
    const double radians = degrees * kPi / 180.0;
    const double cos_a = std::cos(radians), sin_a = std::sin(radians);
    for (int64_t c = 0; c < channels; ++c) {
      const float* s = src + (i * channels + c) * plane;
      float* d = dst + (i * channels + c) * plane;
      // With rotation the crop goes to a scratch plane, which is then rotated into place.
      float* cropped_plane = max_degrees > 0.0 ? cropped.data() : d;
      for (int64_t y = 0; y < h; ++y) {
        const int64_t sy = y + dy;
        const bool row_inside = sy >= 0 && sy < h;
        for (int64_t x = 0; x < w; ++x) {
          // Crop first, then flip the cropped image: column x reads cropped column w-1-x.
          const int64_t sx = (flip ? w - 1 - x : x) + dx;
          const bool inside = row_inside && sx >= 0 && sx < w;
          cropped_plane[y * w + x] = inside ? s[sy * w + sx] : pad_value[c];
        }
      }
      if (max_degrees > 0.0) rotate_plane(cropped_plane, d, h, w, cos_a, sin_a, pad_value[c]);
    }
  }
  return out.to(images.device());
}

torch::Tensor rotate_image(const torch::Tensor& image, double degrees,
                           const std::vector<float>& fill) {
  if (image.dim() != 3 || image.scalar_type() != torch::kFloat32) {
    throw std::invalid_argument("rotate_image: expected a float32 [C, H, W] image");
  }
  const int64_t channels = image.size(0), h = image.size(1), w = image.size(2);
  if (static_cast<int64_t>(fill.size()) != channels) {
    throw std::invalid_argument("rotate_image: " + std::to_string(fill.size()) +
                                " fill values for " + std::to_string(channels) + " channels");
  }
  const torch::Tensor src_tensor = image.contiguous().cpu();
  torch::Tensor out = torch::empty_like(src_tensor);
  const double radians = degrees * kPi / 180.0;
  const double cos_a = std::cos(radians), sin_a = std::sin(radians);
  for (int64_t c = 0; c < channels; ++c) {
    rotate_plane(src_tensor.data_ptr<float>() + c * h * w, out.data_ptr<float>() + c * h * w, h,
                 w, cos_a, sin_a, fill[static_cast<size_t>(c)]);
  }
  return out.to(image.device());
}

}  // namespace sasgsim
