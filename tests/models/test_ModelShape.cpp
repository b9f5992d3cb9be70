#include "models/ModelShape.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace sasgsim {
namespace {

TEST(ModelShape, AcceptsChannelsHeightWidth) {
  const ModelShape s = ModelShape::checked("m", {3, 32, 30}, 10);
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.height, 32);
  EXPECT_EQ(s.width, 30);
  EXPECT_EQ(s.classes, 10);
  EXPECT_EQ(s.sample_numel(), 3 * 32 * 30);
}

TEST(ModelShape, ErrorsNameTheModelAndTheInput) {
  try {
    ModelShape::checked("fc512", {1, -28, 28}, 10);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "fc512: expected an input shape {C, H, W} of positive sizes, got {1, -28, 28}");
  }
  try {
    ModelShape::checked("cnn", {1, 28, 28}, 0);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "cnn: expected at least 1 class, got 0");
  }
  EXPECT_THROW(ModelShape::checked("m", {1, 28, 28, 1}, 10), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
