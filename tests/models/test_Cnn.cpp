#include "models/Cnn.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace sasgsim {
namespace {

int64_t count_parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// conv1 + conv2 + fc1 + fc2, weights and biases.
int64_t expected_parameters(int64_t c, int64_t h, int64_t w, int64_t classes) {
  const int64_t flat = 64 * (h / 4) * (w / 4);
  return (c * 32 * 25 + 32) + (32 * 64 * 25 + 64) + (flat * 512 + 512) + (512 * classes + classes);
}

TEST(Cnn, ParameterCountMatchesTheFormula) {
  EXPECT_EQ(Cnn::flat_features(28, 28), 64 * 7 * 7);
  EXPECT_EQ(Cnn::flat_features(32, 32), 64 * 8 * 8);
  EXPECT_EQ(Cnn::flat_features(30, 29), 64 * 7 * 7);  // floor at each pool
  Cnn mnist({1, 28, 28}, 10);
  EXPECT_EQ(count_parameters(mnist), expected_parameters(1, 28, 28, 10));
  EXPECT_EQ(count_parameters(mnist), 1663370);  // 832 + 51264 + 1606144 + 5130
  Cnn cifar({3, 32, 32}, 10);
  EXPECT_EQ(count_parameters(cifar), expected_parameters(3, 32, 32, 10));
  EXPECT_EQ(mnist.named_parameters().size(), 8u);
}

TEST(Cnn, MapsABatchToLogits) {
  torch::manual_seed(2);
  Cnn mnist({1, 28, 28}, 10);
  EXPECT_EQ(mnist.forward(torch::randn({3, 1, 28, 28})).sizes(),
            (std::vector<int64_t>{3, 10}));
  Cnn cifar({3, 32, 32}, 100);
  EXPECT_EQ(cifar.forward(torch::randn({2, 3, 32, 32})).sizes(),
            (std::vector<int64_t>{2, 100}));
  Cnn odd({3, 30, 29}, 7);
  EXPECT_EQ(odd.forward(torch::randn({1, 3, 30, 29})).sizes(), (std::vector<int64_t>{1, 7}));
}

TEST(Cnn, RejectsTooSmallImages) {
  EXPECT_THROW(Cnn({1, 3, 28}, 10), std::invalid_argument);
  EXPECT_THROW(Cnn({1, 28}, 10), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
