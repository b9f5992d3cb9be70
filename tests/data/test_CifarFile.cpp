// read_cifar_batch on generated CIFAR-10 and CIFAR-100 files.
#include "sim/data/Dataset.h"
#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

class CifarFile : public testing::TempDirTest {};

void expect_layout(const torch::Tensor& images, int64_t n) {
  ASSERT_EQ(images.scalar_type(), torch::kUInt8);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{n, 3, 32, 32}));
  const torch::Tensor c = images.contiguous();
  const uint8_t* p = c.data_ptr<uint8_t>();
  for (int64_t i = 0; i < n; ++i)
    for (uint32_t ch = 0; ch < 3; ++ch)
      for (uint32_t y = 0; y < 32; ++y)
        for (uint32_t x = 0; x < 32; ++x) {
          const uint8_t expected = testing::cifar_pixel(static_cast<uint32_t>(i), ch, y, x);
          ASSERT_EQ(p[((i * 3 + ch) * 32 + y) * 32 + x], expected)
              << "record " << i << " channel " << ch << " y " << y << " x " << x;
        }
}

TEST_F(CifarFile, Cifar10LabelsAndPixelLayout) {
  testing::write_bytes(path("batch.bin"), testing::cifar_records({3, 9, 0}, false));
  torch::Tensor images, labels;
  read_cifar_batch(path("batch.bin"), false, images, labels);
  EXPECT_EQ(testing::to_vector(labels), (std::vector<int64_t>{3, 9, 0}));
  expect_layout(images, 3);
}

TEST_F(CifarFile, Cifar100KeepsTheFineLabel) {
  testing::write_bytes(path("train.bin"), testing::cifar_records({99, 42, 7, 0}, true));
  torch::Tensor images, labels;
  read_cifar_batch(path("train.bin"), true, images, labels);
  EXPECT_EQ(testing::to_vector(labels), (std::vector<int64_t>{99, 42, 7, 0}));
  expect_layout(images, 4);
}

TEST_F(CifarFile, SizeNotAMultipleOfTheRecordIsADataError) {
  testing::Bytes bytes = testing::cifar_records({1, 2}, false);
  bytes.pop_back();
  testing::write_bytes(path("bad.bin"), bytes);
  torch::Tensor images, labels;
  std::string message =
      testing::data_error_of([&] { read_cifar_batch(path("bad.bin"), false, images, labels); });
  EXPECT_NE(message.find(path("bad.bin")), std::string::npos) << message;
  EXPECT_NE(message.find("3073"), std::string::npos) << message;

  // Two CIFAR-10 records are not a whole number of CIFAR-100 records.
  testing::write_bytes(path("ten.bin"), testing::cifar_records({1, 2}, false));
  message = testing::data_error_of([&] { read_cifar_batch(path("ten.bin"), true, images, labels); });
  EXPECT_NE(message.find("3074"), std::string::npos) << message;

  testing::write_bytes(path("empty.bin"), {});
  message = testing::data_error_of([&] { read_cifar_batch(path("empty.bin"), false, images, labels); });
  EXPECT_NE(message.find("0 bytes"), std::string::npos) << message;
}

TEST_F(CifarFile, LabelOutOfRangeIsADataError) {
  testing::write_bytes(path("batch.bin"), testing::cifar_records({1, 10}, false));
  torch::Tensor images, labels;
  const std::string message =
      testing::data_error_of([&] { read_cifar_batch(path("batch.bin"), false, images, labels); });
  EXPECT_NE(message.find("record 1 has label 10"), std::string::npos) << message;
}

TEST_F(CifarFile, MissingFileIsADataError) {
  torch::Tensor images, labels;
  const std::string message =
      testing::data_error_of([&] { read_cifar_batch(path("absent.bin"), false, images, labels); });
  EXPECT_NE(message.find("absent.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

}  // namespace
}  // namespace sasgsim
