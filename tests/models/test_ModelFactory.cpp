#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/Cnn.h"
#include "models/Fc512.h"
#include "models/Model.h"
#include "models/Resnet18.h"

namespace sasgsim {
namespace {

torch::Tensor concat_params(const torch::nn::Module& m) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : m.parameters()) parts.push_back(p.detach().reshape({-1}));
  return torch::cat(parts);
}

TEST(ModelFactory, BuildsTheRequestedKind) {
  EXPECT_NE(dynamic_cast<Fc512*>(make_model(ModelKind::kFc512, {1, 28, 28}, 10).get()), nullptr);
  EXPECT_NE(dynamic_cast<Cnn*>(make_model(ModelKind::kCnn, {1, 28, 28}, 10).get()), nullptr);
  EXPECT_NE(dynamic_cast<Resnet18*>(make_model(ModelKind::kResnet18, {3, 32, 32}, 10).get()),
            nullptr);
  EXPECT_THROW(make_model(static_cast<ModelKind>(99), {1, 28, 28}, 10), std::logic_error);
  EXPECT_THROW(make_model(ModelKind::kFc512, {1, 28}, 10), std::invalid_argument);
}

TEST(ModelFactory, SeededInitialisationIsReproducible) {
  for (ModelKind kind : {ModelKind::kFc512, ModelKind::kCnn, ModelKind::kResnet18}) {
    torch::manual_seed(42);
    const torch::Tensor a = concat_params(*make_model(kind, {3, 32, 32}, 10));
    torch::manual_seed(42);
    const torch::Tensor b = concat_params(*make_model(kind, {3, 32, 32}, 10));
    torch::manual_seed(43);
    const torch::Tensor c = concat_params(*make_model(kind, {3, 32, 32}, 10));
    EXPECT_TRUE(torch::equal(a, b)) << static_cast<int>(kind);
    EXPECT_FALSE(torch::equal(a, c)) << static_cast<int>(kind);
  }
}

}  // namespace
}  // namespace sasgsim
