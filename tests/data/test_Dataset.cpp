// load_dataset: file-backed datasets written by the test, normalization, errors, synthetic data.
#include "sim/data/Dataset.h"
#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

class Dataset : public testing::TempDirTest {
 protected:
  // A small MNIST-format directory: 12 train and 4 test images of 28x28, pixel values 0 or 255.
  void write_mnist(bool gzip) {
    const auto write = [gzip](const std::string& f, const testing::Bytes& b) {
      if (gzip) {
        testing::write_gzip(f + ".gz", b);
      } else {
        testing::write_bytes(f, b);
      }
    };
    const auto pixel = [](uint32_t i, uint32_t y, uint32_t x) -> uint8_t {
      return (i + y + x) % 2 == 0 ? 0 : 255;
    };
    write(path("train-images-idx3-ubyte"), testing::idx_images(12, 28, 28, pixel));
    write(path("train-labels-idx1-ubyte"),
          testing::idx_labels({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}));
    write(path("t10k-images-idx3-ubyte"), testing::idx_images(4, 28, 28, pixel));
    write(path("t10k-labels-idx1-ubyte"), testing::idx_labels({9, 8, 7, 6}));
  }

  DatasetSource source(DatasetKind kind) const {
    DatasetSource s;
    s.kind = kind;
    s.path = dir_.string();
    return s;
  }
};

TEST_F(Dataset, MnistFromIdxFilesIsNormalizedWithTheDefaults) {
  write_mnist(false);
  const DatasetSplits splits = load_dataset(source(DatasetKind::kMnist), 1);
  ASSERT_EQ(splits.train.images.sizes(), (std::vector<int64_t>{12, 1, 28, 28}));
  ASSERT_EQ(splits.test.images.sizes(), (std::vector<int64_t>{4, 1, 28, 28}));
  EXPECT_EQ(splits.train.images.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(splits.train.images.is_contiguous());
  EXPECT_EQ(splits.train.classes, 10);
  EXPECT_EQ(testing::to_vector(splits.test.labels), (std::vector<int64_t>{9, 8, 7, 6}));
  const float black = -0.1307f / 0.3081f, white = (1.0f - 0.1307f) / 0.3081f;
  EXPECT_NEAR(splits.train.images[0][0][0][0].item<float>(), black, 1e-5);
  EXPECT_NEAR(splits.train.images[0][0][0][1].item<float>(), white, 1e-5);
  ASSERT_EQ(splits.train.pad_value.size(), 1u);
  EXPECT_NEAR(splits.train.pad_value[0], black, 1e-6);
}

TEST_F(Dataset, GzipIdxFilesGiveTheSameData) {
  write_mnist(false);
  const DatasetSplits plain = load_dataset(source(DatasetKind::kMnist), 1);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  write_mnist(true);
  const DatasetSplits packed = load_dataset(source(DatasetKind::kFashionMnist), 1);
  // Same bytes, other default statistics: undo both normalizations and compare.
  const torch::Tensor a = plain.train.images * 0.3081 + 0.1307;
  const torch::Tensor b = packed.train.images * 0.3530 + 0.2860;
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5));
  EXPECT_TRUE(torch::equal(plain.train.labels, packed.train.labels));
}

TEST_F(Dataset, ExplicitMeanAndStdOverrideTheDefaults) {
  write_mnist(false);
  DatasetSource s = source(DatasetKind::kMnist);
  s.mean = {0.5};
  s.std = {0.25};
  const DatasetSplits splits = load_dataset(s, 1);
  EXPECT_NEAR(splits.train.images[0][0][0][0].item<float>(), -2.0f, 1e-6);
  EXPECT_NEAR(splits.train.images[0][0][0][1].item<float>(), 2.0f, 1e-6);
}

TEST_F(Dataset, NormalizationWithTheWrongChannelCountIsADataError) {
  write_mnist(false);
  DatasetSource s = source(DatasetKind::kMnist);
  s.mean = {0.1, 0.2};
  s.std = {0.3, 0.3};
  const std::string message = testing::data_error_of([&] { load_dataset(s, 1); });
  EXPECT_NE(message.find("mean has 2 values, expected 1 or 1"), std::string::npos) << message;
}

TEST_F(Dataset, ImageAndLabelCountsMustAgree) {
  write_mnist(false);
  testing::write_bytes(path("t10k-labels-idx1-ubyte"), testing::idx_labels({1, 2, 3}));
  const std::string message =
      testing::data_error_of([&] { load_dataset(source(DatasetKind::kMnist), 1); });
  EXPECT_NE(message.find("4 images"), std::string::npos) << message;
  EXPECT_NE(message.find("3 labels"), std::string::npos) << message;
}

TEST_F(Dataset, MnistLabelsMustBeDigits) {
  write_mnist(false);
  testing::write_bytes(path("t10k-labels-idx1-ubyte"), testing::idx_labels({1, 2, 10, 3}));
  const std::string message =
      testing::data_error_of([&] { load_dataset(source(DatasetKind::kMnist), 1); });
  EXPECT_NE(message.find("t10k-labels-idx1-ubyte: label 10"), std::string::npos) << message;
}

TEST_F(Dataset, MissingFilesAreListedWithAHint) {
  testing::write_bytes(path("train-images-idx3-ubyte"),
                       testing::idx_images(1, 2, 2, [](uint32_t, uint32_t, uint32_t) -> uint8_t {
                         return 0;
                       }));
  std::string message = testing::data_error_of([&] { load_dataset(source(DatasetKind::kMnist), 1); });
  EXPECT_NE(message.find("train-labels-idx1-ubyte"), std::string::npos) << message;
  EXPECT_NE(message.find("t10k-images-idx3-ubyte"), std::string::npos) << message;
  EXPECT_EQ(message.find("train-images-idx3-ubyte"), std::string::npos) << message;
  EXPECT_NE(message.find(dir_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("scripts/fetch_mnist.sh"), std::string::npos) << message;

  message = testing::data_error_of([&] { load_dataset(source(DatasetKind::kCifar10), 1); });
  EXPECT_NE(message.find("data_batch_1.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("test_batch.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("cifar-10-binary"), std::string::npos) << message;
}

TEST_F(Dataset, Cifar10ConcatenatesTheFiveTrainingBatches) {
  for (int k = 1; k <= 5; ++k) {
    testing::write_bytes(path("data_batch_" + std::to_string(k) + ".bin"),
                         testing::cifar_records({static_cast<uint8_t>(k), 0}, false, 2 * (k - 1)));
  }
  testing::write_bytes(path("test_batch.bin"), testing::cifar_records({7, 8, 9}, false));
  const DatasetSplits splits = load_dataset(source(DatasetKind::kCifar10), 1);
  ASSERT_EQ(splits.train.images.sizes(), (std::vector<int64_t>{10, 3, 32, 32}));
  EXPECT_EQ(testing::to_vector(splits.train.labels),
            (std::vector<int64_t>{1, 0, 2, 0, 3, 0, 4, 0, 5, 0}));
  EXPECT_EQ(splits.test.size(), 3);
  EXPECT_EQ(splits.train.classes, 10);
  const double mean[3] = {0.4914, 0.4822, 0.4465}, stdev[3] = {0.2023, 0.1994, 0.2010};
  for (int c = 0; c < 3; ++c) {
    const uint8_t raw = testing::cifar_pixel(9, static_cast<uint32_t>(c), 5, 6);
    EXPECT_NEAR(splits.train.images[9][c][5][6].item<float>(), (raw / 255.0 - mean[c]) / stdev[c],
                1e-5);
    EXPECT_NEAR(splits.train.pad_value[c], -mean[c] / stdev[c], 1e-5);
  }
}

TEST_F(Dataset, Cifar100HasOneHundredFineClasses) {
  testing::write_bytes(path("train.bin"), testing::cifar_records({99, 3}, true));
  testing::write_bytes(path("test.bin"), testing::cifar_records({50}, true));
  const DatasetSplits splits = load_dataset(source(DatasetKind::kCifar100), 1);
  EXPECT_EQ(splits.train.classes, 100);
  EXPECT_EQ(testing::to_vector(splits.train.labels), (std::vector<int64_t>{99, 3}));
  EXPECT_EQ(testing::to_vector(splits.test.labels), (std::vector<int64_t>{50}));
}

DatasetSource synthetic(int64_t train, int64_t test, std::vector<int64_t> shape, double noise) {
  DatasetSource s;
  s.kind = DatasetKind::kSynthetic;
  s.synthetic.train_size = train;
  s.synthetic.test_size = test;
  s.synthetic.classes = 4;
  s.synthetic.shape = std::move(shape);
  s.synthetic.noise = noise;
  return s;
}

TEST(SyntheticDataset, IsDeterministicInTheSeed) {
  const DatasetSource s = synthetic(40, 12, {3, 5, 6}, 1.0);
  const DatasetSplits a = load_dataset(s, 11), b = load_dataset(s, 11), c = load_dataset(s, 12);
  ASSERT_EQ(a.train.images.sizes(), (std::vector<int64_t>{40, 3, 5, 6}));
  EXPECT_EQ(a.test.size(), 12);
  EXPECT_EQ(a.train.classes, 4);
  EXPECT_TRUE(torch::equal(a.train.images, b.train.images));
  EXPECT_TRUE(torch::equal(a.train.labels, b.train.labels));
  EXPECT_TRUE(torch::equal(a.test.images, b.test.images));
  EXPECT_FALSE(torch::equal(a.train.images, c.train.images));
}

TEST(SyntheticDataset, LabelsAreBalanced) {
  const DatasetSplits d = load_dataset(synthetic(42, 8, {1, 4, 4}, 1.0), 3);
  const torch::Tensor counts = torch::bincount(d.train.labels, {}, 4);
  EXPECT_EQ(testing::to_vector(counts), (std::vector<int64_t>{11, 11, 10, 10}));
  EXPECT_EQ(testing::to_vector(torch::bincount(d.test.labels, {}, 4)),
            (std::vector<int64_t>{2, 2, 2, 2}));
}

TEST(SyntheticDataset, TrainAndTestShareTheClassMeans) {
  // With little noise, the per-class means of the training set classify the test set.
  const DatasetSplits d = load_dataset(synthetic(200, 100, {1, 6, 6}, 0.5), 5);
  const torch::Tensor x = d.train.images.flatten(1);
  std::vector<torch::Tensor> means;
  for (int64_t c = 0; c < 4; ++c) means.push_back(x.index({d.train.labels == c}).mean(0));
  const torch::Tensor centers = torch::stack(means);
  const torch::Tensor predicted = torch::cdist(d.test.images.flatten(1), centers).argmin(1);
  EXPECT_GT(predicted.eq(d.test.labels).to(torch::kFloat64).mean().item<double>(), 0.95);
}

TEST(SyntheticDataset, BadOptionsAreDataErrors) {
  std::string message =
      testing::data_error_of([&] { load_dataset(synthetic(10, 10, {1, 4}, 1.0), 1); });
  EXPECT_NE(message.find("synthetic dataset: shape"), std::string::npos) << message;
  message = testing::data_error_of([&] { load_dataset(synthetic(0, 10, {1, 4, 4}, 1.0), 1); });
  EXPECT_NE(message.find("train_size"), std::string::npos) << message;
  message = testing::data_error_of([&] { load_dataset(synthetic(10, 10, {1, 4, 4}, -1.0), 1); });
  EXPECT_NE(message.find("noise"), std::string::npos) << message;
}

}  // namespace
}  // namespace sasgsim
