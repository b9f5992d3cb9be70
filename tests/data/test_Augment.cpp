#include "sim/data/Augment.h"

#include <cmath>

#include "sim/data/SeededRandom.h"

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

TEST(Augment, RotationBy90DegreesIsRot90) {
  torch::manual_seed(3);
  const std::vector<float> fill{-5.0f, -6.0f};
  for (int64_t side : {4, 5}) {  // even and odd sizes: the centre is between or on pixels
    const torch::Tensor image = torch::rand({2, side, side});
    EXPECT_TRUE(torch::equal(rotate_image(image, 90.0, fill), image.rot90(1, {1, 2})));
    EXPECT_TRUE(torch::equal(rotate_image(image, -90.0, fill), image.rot90(-1, {1, 2})));
    EXPECT_TRUE(torch::equal(rotate_image(image, 180.0, fill), image.flip({1, 2})));
    EXPECT_TRUE(torch::equal(rotate_image(image, 0.0, fill), image));
  }
}

TEST(Augment, RotationByNinetyIsCounterClockwise) {
  // A single bright pixel at the right edge's middle moves to the top edge's middle.
  torch::Tensor image = torch::zeros({1, 5, 5});
  image[0][2][4] = 1.0f;
  torch::Tensor expected = torch::zeros({1, 5, 5});
  expected[0][0][2] = 1.0f;
  EXPECT_TRUE(torch::equal(rotate_image(image, 90.0, {0.0f}), expected));
}

TEST(Augment, RotationFillsTheUncoveredCorners) {
  const torch::Tensor image = torch::ones({1, 5, 5});
  const torch::Tensor out = rotate_image(image, 45.0, {-1.0f});
  EXPECT_EQ(out[0][0][0].item<float>(), -1.0f);
  EXPECT_EQ(out[0][4][4].item<float>(), -1.0f);
  EXPECT_EQ(out[0][2][2].item<float>(), 1.0f);
  EXPECT_EQ(out[0][0][2].item<float>(), 1.0f);  // edge midpoints stay inside at 45 degrees
}

TEST(Augment, RotationDrawsItsAngleAfterCropAndFlip) {
  torch::manual_seed(4);
  const torch::Tensor images = torch::rand({12, 2, 6, 6});
  const std::vector<float> pad{-7.0f, -9.0f};
  AugmentOptions options;
  options.crop_padding = 2;
  options.horizontal_flip = true;
  options.rotation_degrees = 90.0;
  std::mt19937_64 rng(21), twin(21);
  const torch::Tensor out = augment_batch(images, options, pad, rng);
  int rotated = 0;
  for (int64_t i = 0; i < 12; ++i) {
    const int64_t dy = static_cast<int64_t>(uniform_below(twin, 5)) - 2;
    const int64_t dx = static_cast<int64_t>(uniform_below(twin, 5)) - 2;
    const bool flip = (twin() >> 63) != 0;
    const double angle = 90.0 * (2.0 * uniform_unit(twin) - 1.0);
    ASSERT_GE(angle, -90.0);
    ASSERT_LE(angle, 90.0);
    const torch::Tensor cropped = reference(images[i], dy, dx, flip, pad);
    EXPECT_TRUE(torch::equal(out[i], rotate_image(cropped, angle, pad))) << "sample " << i;
    rotated += !torch::equal(out[i], cropped);
  }
  EXPECT_GT(rotated, 6);
}

TEST(Augment, ZeroRotationKeepsTheCropAndFlipDraws) {
  torch::manual_seed(5);
  const torch::Tensor images = torch::rand({10, 3, 8, 8});
  const std::vector<float> pad{0.0f, 0.0f, 0.0f};
  AugmentOptions options;
  options.crop_padding = 4;
  options.horizontal_flip = true;
  AugmentOptions with_zero = options;
  with_zero.rotation_degrees = 0.0;
  std::mt19937_64 a(8), b(8);
  EXPECT_TRUE(torch::equal(augment_batch(images, options, pad, a),
                           augment_batch(images, with_zero, pad, b)));
  AugmentOptions nothing;
  std::mt19937_64 c(8);
  EXPECT_TRUE(torch::equal(augment_batch(images, nothing, pad, c), images));
}

TEST(Augment, RotationIsDeterministicInTheGenerator) {
  torch::manual_seed(6);
  const torch::Tensor images = torch::rand({8, 3, 8, 8});
  AugmentOptions options;
  options.rotation_degrees = 15.0;
  std::mt19937_64 a(11), b(11), c(12);
  const std::vector<float> pad{0.0f, 0.0f, 0.0f};
  const torch::Tensor x = augment_batch(images, options, pad, a);
  EXPECT_TRUE(torch::equal(x, augment_batch(images, options, pad, b)));
  EXPECT_FALSE(torch::equal(x, augment_batch(images, options, pad, c)));
}

TEST(Augment, RejectsRotationOutsideZeroTo180) {
  std::mt19937_64 rng(1);
  for (double degrees : {-1.0, 180.5, std::nan("")}) {
    AugmentOptions options;
    options.rotation_degrees = degrees;
    EXPECT_THROW(augment_batch(torch::rand({1, 1, 4, 4}), options, {0.0f}, rng),
                 std::invalid_argument)
        << degrees;
  }
  EXPECT_THROW(rotate_image(torch::rand({3, 4, 4}), 10.0, {0.0f}), std::invalid_argument);
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
