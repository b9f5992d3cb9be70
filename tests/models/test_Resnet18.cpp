#include "models/Resnet18.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace sasgsim {
namespace {

int64_t count_parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(Resnet18, HasTheCifarVariantsParameterCount) {
  Resnet18 model({3, 32, 32}, 10);
  EXPECT_EQ(count_parameters(model), 11173962);
  // 20 convolutions + 20 BN layers (2 tensors each) + linear (2): 62 tensors.
  EXPECT_EQ(model.named_parameters().size(), 62u);
  EXPECT_EQ(model.named_buffers().size(), 60u);  // 20 BN x (mean, var, num_batches_tracked)
}

TEST(Resnet18, UsesThePythonOriginalsNames) {
  Resnet18 model({3, 32, 32}, 10);
  const auto named = model.named_parameters();
  EXPECT_EQ(named[0].key(), "conv1.weight");
  EXPECT_EQ(named[0].value().sizes(), (std::vector<int64_t>{64, 3, 3, 3}));
  EXPECT_EQ(named[1].key(), "bn1.weight");
  EXPECT_EQ(named[2].key(), "bn1.bias");
  EXPECT_EQ(named[3].key(), "layer1.0.conv1.weight");
  EXPECT_NE(named.find("layer2.0.shortcut.0.weight"), nullptr);
  EXPECT_EQ(named["layer2.0.shortcut.0.weight"].sizes(), (std::vector<int64_t>{128, 64, 1, 1}));
  EXPECT_NE(named.find("layer4.1.bn2.bias"), nullptr);
  // No shortcut where neither resolution nor width changes.
  EXPECT_EQ(named.find("layer1.0.shortcut.0.weight"), nullptr);
  EXPECT_EQ(named.find("layer2.1.shortcut.0.weight"), nullptr);
  EXPECT_EQ(named[60].key(), "linear.weight");
  EXPECT_EQ(named[60].value().sizes(), (std::vector<int64_t>{10, 512}));
  EXPECT_EQ(named[61].key(), "linear.bias");
  for (const auto& p : named) {
    if (p.key().find("conv") != std::string::npos || p.key().find("shortcut.0") != std::string::npos) {
      EXPECT_EQ(p.key().find("bias"), std::string::npos) << p.key() << ": convs have no bias";
    }
  }
}

TEST(Resnet18, ParameterCountForOneChannelAndHundredClasses) {
  // The stem has 64*C*9 weights; the head 512*classes + classes.
  Resnet18 model({1, 28, 28}, 100);
  EXPECT_EQ(count_parameters(model), 11173962 - 64 * 2 * 9 + 512 * 90 + 90);
}

TEST(Resnet18, TinyForwardForBothResolutions) {
  torch::manual_seed(3);
  torch::NoGradGuard no_grad;
  Resnet18 cifar({3, 32, 32}, 10);
  cifar.eval();
  EXPECT_EQ(cifar.forward(torch::randn({2, 3, 32, 32})).sizes(),
            (std::vector<int64_t>{2, 10}));
  Resnet18 mnist({1, 28, 28}, 10);
  mnist.eval();
  EXPECT_EQ(mnist.forward(torch::randn({2, 1, 28, 28})).sizes(),
            (std::vector<int64_t>{2, 10}));
}

}  // namespace
}  // namespace sasgsim
