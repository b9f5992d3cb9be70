// read_idx_images / read_idx_labels on files the test writes (plain and gzip).
#include "sim/data/Dataset.h"
#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

using testing::Bytes;

class IdxFile : public testing::TempDirTest {};

uint8_t pixel(uint32_t i, uint32_t y, uint32_t x) { return static_cast<uint8_t>(i * 40 + y * 5 + x); }

TEST_F(IdxFile, ReadsImagesAsUint8NCHW) {
  testing::write_bytes(path("images"), testing::idx_images(3, 4, 5, pixel));
  const torch::Tensor images = read_idx_images(path("images"));
  ASSERT_EQ(images.scalar_type(), torch::kUInt8);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{3, 1, 4, 5}));
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 5; ++x)
        EXPECT_EQ(images[i][0][y][x].item<int64_t>(), pixel(i, y, x));
}

TEST_F(IdxFile, ReadsLabelsAsInt64) {
  testing::write_bytes(path("labels"), testing::idx_labels({3, 0, 9, 255}));
  const torch::Tensor labels = read_idx_labels(path("labels"));
  ASSERT_EQ(labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(testing::to_vector(labels), (std::vector<int64_t>{3, 0, 9, 255}));
}

TEST_F(IdxFile, ReadsGzipFilesWithOrWithoutTheSuffix) {
  const Bytes images = testing::idx_images(2, 3, 3, pixel);
  testing::write_bytes(path("plain"), images);
  testing::write_gzip(path("images.gz"), images);
  testing::write_gzip(path("images_gz_no_suffix"), images);
  testing::write_gzip(path("labels.gz"), testing::idx_labels({1, 2}));
  const torch::Tensor plain = read_idx_images(path("plain"));
  EXPECT_TRUE(torch::equal(read_idx_images(path("images.gz")), plain));
  EXPECT_TRUE(torch::equal(read_idx_images(path("images_gz_no_suffix")), plain));
  EXPECT_EQ(testing::to_vector(read_idx_labels(path("labels.gz"))), (std::vector<int64_t>{1, 2}));
}

TEST_F(IdxFile, BadMagicIsADataErrorWithFileAndNumbers) {
  testing::write_bytes(path("labels"), testing::idx_labels({1, 2, 3}));
  std::string message = testing::data_error_of([&] { read_idx_images(path("labels")); });
  EXPECT_NE(message.find(path("labels")), std::string::npos) << message;
  EXPECT_NE(message.find("magic number 2049"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 2051"), std::string::npos) << message;
  EXPECT_NE(message.find("label file"), std::string::npos) << message;

  Bytes junk = testing::idx_labels({1});
  junk[3] = 0x42;
  testing::write_gzip(path("junk.gz"), junk);
  message = testing::data_error_of([&] { read_idx_labels(path("junk.gz")); });
  EXPECT_NE(message.find("junk.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 2049"), std::string::npos) << message;
}

TEST_F(IdxFile, TruncatedOrOverlongFilesAreDataErrors) {
  Bytes images = testing::idx_images(4, 6, 6, pixel);
  images.resize(images.size() - 1);
  testing::write_bytes(path("short"), images);
  std::string message = testing::data_error_of([&] { read_idx_images(path("short")); });
  EXPECT_NE(message.find(path("short")), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("4 images of 6x6"), std::string::npos) << message;

  testing::write_gzip(path("short.gz"), images);
  message = testing::data_error_of([&] { read_idx_images(path("short.gz")); });
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;

  Bytes labels = testing::idx_labels({1, 2, 3});
  labels.push_back(0);
  testing::write_bytes(path("long"), labels);
  message = testing::data_error_of([&] { read_idx_labels(path("long")); });
  EXPECT_NE(message.find("trailing data"), std::string::npos) << message;

  testing::write_bytes(path("tiny"), {0, 0, 8});
  message = testing::data_error_of([&] { read_idx_labels(path("tiny")); });
  EXPECT_NE(message.find("too short"), std::string::npos) << message;
}

TEST_F(IdxFile, EmptyImageDimensionsAreADataError) {
  testing::write_bytes(path("flat"), testing::idx_images(2, 0, 5, pixel));
  const std::string message = testing::data_error_of([&] { read_idx_images(path("flat")); });
  EXPECT_NE(message.find("0x5"), std::string::npos) << message;
}

}  // namespace
}  // namespace sasgsim
