#include "models/Fc512.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace sasgsim {
namespace {

int64_t count_parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(Fc512, HasThePapersParameterCountForMnist) {
  Fc512 model({1, 28, 28}, 10);
  // 784*512 + 512 + 512*10 + 10
  EXPECT_EQ(count_parameters(model), 407050);
  const auto named = model.named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(named[0].key(), "fc1.weight");
  EXPECT_EQ(named[0].value().sizes(), (std::vector<int64_t>{512, 784}));
  EXPECT_EQ(named[1].key(), "fc1.bias");
  EXPECT_EQ(named[2].key(), "fc2.weight");
  EXPECT_EQ(named[2].value().sizes(), (std::vector<int64_t>{10, 512}));
  EXPECT_EQ(named[3].key(), "fc2.bias");
}

TEST(Fc512, ParameterCountFollowsTheInputShape) {
  Fc512 model({3, 32, 32}, 100);
  EXPECT_EQ(count_parameters(model), 3072 * 512 + 512 + 512 * 100 + 100);
}

TEST(Fc512, MapsABatchToLogits) {
  torch::manual_seed(1);
  Fc512 mnist({1, 28, 28}, 10);
  EXPECT_EQ(mnist.forward(torch::randn({5, 1, 28, 28})).sizes(),
            (std::vector<int64_t>{5, 10}));
  Fc512 cifar({3, 32, 32}, 100);
  EXPECT_EQ(cifar.forward(torch::randn({2, 3, 32, 32})).sizes(),
            (std::vector<int64_t>{2, 100}));
}

TEST(Fc512, RejectsMalformedShapes) {
  EXPECT_THROW(Fc512({28, 28}, 10), std::invalid_argument);
  EXPECT_THROW(Fc512({1, 0, 28}, 10), std::invalid_argument);
  EXPECT_THROW(Fc512({1, 28, 28}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
