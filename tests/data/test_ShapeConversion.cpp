#include "sim/data/ShapeConversion.h"

#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

TEST(ShapeConversion, CommonShapeTakesTheLargerOfEachDimension) {
  EXPECT_EQ(common_sample_shape({1, 28, 28}, {3, 32, 32}), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_EQ(common_sample_shape({3, 32, 32}, {1, 28, 28}), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_EQ(common_sample_shape({1, 28, 40}, {1, 32, 32}), (std::vector<int64_t>{1, 32, 40}));
  EXPECT_EQ(common_sample_shape({3, 8, 8}, {3, 8, 8}), (std::vector<int64_t>{3, 8, 8}));
}

TEST(ShapeConversion, IrreconcilableChannelsAreADataError) {
  const std::string message =
      testing::data_error_of([] { common_sample_shape({2, 8, 8}, {3, 8, 8}); });
  EXPECT_NE(message.find("2x8x8"), std::string::npos) << message;
  EXPECT_NE(message.find("3x8x8"), std::string::npos) << message;
  EXPECT_NE(message.find("channel"), std::string::npos) << message;
}

TEST(ShapeConversion, ReplicatesGrayscaleAndPadsSymmetricallyWithBlack) {
  Dataset gray;
  gray.images = torch::arange(2 * 28 * 28, torch::kFloat32).reshape({2, 1, 28, 28});
  gray.labels = torch::tensor({4, 2}, torch::kInt64);
  gray.classes = 10;
  gray.pad_value = {-0.5f};
  const Dataset rgb = convert_to_shape(gray, {3, 32, 32});
  ASSERT_EQ(rgb.images.sizes(), (std::vector<int64_t>{2, 3, 32, 32}));
  EXPECT_TRUE(torch::equal(rgb.labels, gray.labels));
  EXPECT_EQ(rgb.pad_value, (std::vector<float>{-0.5f, -0.5f, -0.5f}));
  for (int64_t c = 0; c < 3; ++c) {
    const torch::Tensor plane = rgb.images.select(1, c);
    EXPECT_TRUE(torch::equal(plane.narrow(1, 2, 28).narrow(2, 2, 28), gray.images.select(1, 0)));
    // 2 rows/columns of padding on each side.
    for (const torch::Tensor& border :
         {plane.narrow(1, 0, 2), plane.narrow(1, 30, 2), plane.narrow(2, 0, 2), plane.narrow(2, 30, 2)}) {
      EXPECT_TRUE(torch::all(border == -0.5f).item<bool>());
    }
  }
}

TEST(ShapeConversion, PadsPerChannel) {
  torch::Tensor images = torch::zeros({1, 2, 1, 1});
  torch::Tensor out = torch::empty({1, 2, 3, 3});
  convert_images_into(images, {1.0f, 2.0f}, out);
  EXPECT_EQ(out[0][0].sum().item<float>(), 8.0f);
  EXPECT_EQ(out[0][1].sum().item<float>(), 16.0f);
  EXPECT_EQ(out[0][1][1][1].item<float>(), 0.0f);
}

}  // namespace
}  // namespace sasgsim
