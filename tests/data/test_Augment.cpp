#include "sim/data/Augment.h"

#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

// The expected result of cropping `image` ([C, H, W]) at offset (dy, dx) from its padded
// version and then optionally flipping it horizontally.
torch::Tensor reference(const torch::Tensor& image, int64_t dy, int64_t dx, bool flip,
                        const std::vector<float>& pad) {
  const int64_t c = image.size(0), h = image.size(1), w = image.size(2);
  torch::Tensor out = torch::empty_like(image);
  const auto in = image.accessor<float, 3>();
  auto o = out.accessor<float, 3>();
  for (int64_t k = 0; k < c; ++k)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        const int64_t sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
        o[k][y][x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? in[k][sy][sx] : pad[k];
      }
  return out;
}

struct Draw {
  int64_t dy, dx;
  bool flip;
};

// Which (dy, dx, flip) produced `out` from `image`; fails the test when none did.
Draw find_draw(const torch::Tensor& image, const torch::Tensor& out, int64_t padding,
               const std::vector<float>& pad) {
  for (int64_t dy = -padding; dy <= padding; ++dy)
    for (int64_t dx = -padding; dx <= padding; ++dx)
      for (bool flip : {false, true})
        if (torch::equal(reference(image, dy, dx, flip, pad), out)) return {dy, dx, flip};
  ADD_FAILURE() << "output is no crop/flip of the input";
  return {0, 0, false};
}

TEST(Augment, EverySampleIsACropOfItsPaddedSelfPossiblyFlipped) {
  torch::manual_seed(0);
  const torch::Tensor images = torch::rand({40, 2, 5, 6});
  const std::vector<float> pad{-7.0f, -9.0f};
  AugmentOptions options;
  options.crop_padding = 2;
  options.horizontal_flip = true;
  std::mt19937_64 rng(3);
  const torch::Tensor out = augment_batch(images, options, pad, rng);
  ASSERT_EQ(out.sizes(), images.sizes());
  int flips = 0, shifted = 0;
  for (int64_t i = 0; i < 40; ++i) {
    const Draw d = find_draw(images[i], out[i], 2, pad);
    flips += d.flip;
    shifted += d.dy != 0 || d.dx != 0;
  }
  EXPECT_GT(flips, 5);
  EXPECT_LT(flips, 35);
  EXPECT_GT(shifted, 20);
}

TEST(Augment, IsDeterministicInTheGenerator) {
  torch::manual_seed(1);
  const torch::Tensor images = torch::rand({8, 3, 8, 8});
  AugmentOptions options;
  options.crop_padding = 4;
  options.horizontal_flip = true;
  std::mt19937_64 a(11), b(11), c(12);
  const std::vector<float> pad{0.0f, 0.0f, 0.0f};
  const torch::Tensor x = augment_batch(images, options, pad, a);
  EXPECT_TRUE(torch::equal(x, augment_batch(images, options, pad, b)));
  EXPECT_FALSE(torch::equal(x, augment_batch(images, options, pad, c)));
}

TEST(Augment, FlipOnlyNeverShifts) {
  torch::manual_seed(2);
  const torch::Tensor images = torch::rand({20, 1, 4, 4});
  AugmentOptions options;
  options.horizontal_flip = true;
  std::mt19937_64 rng(1);
  const torch::Tensor out = augment_batch(images, options, {0.0f}, rng);
  for (int64_t i = 0; i < 20; ++i) {
    EXPECT_TRUE(torch::equal(out[i], images[i]) || torch::equal(out[i], images[i].flip({2})));
  }
}

TEST(Augment, RejectsMismatchedPadValues) {
  std::mt19937_64 rng(1);
  AugmentOptions options;
  options.crop_padding = 1;
  EXPECT_THROW(augment_batch(torch::rand({1, 3, 4, 4}), options, {0.0f}, rng),
               std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
