#include "models/FlatParameters.h"

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/Cnn.h"
#include "models/Fc512.h"

namespace sasgsim {
namespace {

torch::Tensor concat_params(const torch::nn::Module& m) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : m.parameters()) parts.push_back(p.detach().reshape({-1}));
  return torch::cat(parts);
}

torch::Tensor concat_grads(const torch::nn::Module& m) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : m.parameters()) parts.push_back(p.grad().reshape({-1}));
  return torch::cat(parts);
}

// One cross-entropy backward pass on a fixed random batch.
void backward_once(Model& model, int64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor x = torch::randn({4, 1, 28, 28});
  const torch::Tensor y = torch::randint(0, 10, {4});
  torch::nll_loss(torch::log_softmax(model.forward(x), 1), y).backward();
}

TEST(FlatParameters, SlicesFollowNamedParametersOrder) {
  Fc512 model({1, 28, 28}, 10);
  FlatParameters flat(model);
  ASSERT_EQ(flat.slices().size(), 4u);
  const std::vector<std::string> names{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  const std::vector<int64_t> offsets{0, 401408, 401920, 407040};
  const std::vector<int64_t> numels{401408, 512, 5120, 10};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(flat.slices()[i].name, names[i]);
    EXPECT_EQ(flat.slices()[i].offset, offsets[i]);
    EXPECT_EQ(flat.slices()[i].numel, numels[i]);
  }
  EXPECT_EQ(flat.numel(), 407050);
  EXPECT_EQ(flat.values().scalar_type(), torch::kFloat32);
  EXPECT_EQ(flat.grads().scalar_type(), torch::kFloat32);
  EXPECT_EQ(flat.values().dim(), 1);
}

TEST(FlatParameters, KeepsTheInitialValuesAndAliasesThem) {
  torch::manual_seed(5);
  Cnn model({1, 28, 28}, 10);
  const torch::Tensor before = concat_params(model).clone();
  FlatParameters flat(model);
  EXPECT_TRUE(torch::equal(flat.values(), before));
  EXPECT_TRUE(torch::equal(flat.grads(), torch::zeros_like(before)));
  const float* base = flat.values().data_ptr<float>();
  const float* gbase = flat.grads().data_ptr<float>();
  const auto params = model.parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(params[i].data_ptr<float>(), base + flat.slices()[i].offset);
    EXPECT_EQ(params[i].grad().data_ptr<float>(), gbase + flat.slices()[i].offset);
    EXPECT_TRUE(params[i].requires_grad());
    EXPECT_TRUE(params[i].is_leaf());
  }
}

TEST(FlatParameters, BackwardAccumulatesIntoTheFlatGradients) {
  torch::manual_seed(6);
  Cnn model({1, 28, 28}, 10);
  FlatParameters flat(model);
  const float* gbase = flat.grads().data_ptr<float>();

  flat.zero_grads();
  backward_once(model, 100);
  const torch::Tensor first = flat.grads().clone();
  EXPECT_GT(first.abs().sum().item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(flat.grads(), concat_grads(model)));

  // Without zeroing, a second identical pass doubles every entry (x + x is exact).
  backward_once(model, 100);
  EXPECT_TRUE(torch::equal(flat.grads(), first * 2));

  for (int64_t pass = 0; pass < 3; ++pass) {
    flat.zero_grads();
    backward_once(model, 200 + pass);
    EXPECT_TRUE(torch::equal(flat.grads(), concat_grads(model)));
  }
  EXPECT_FALSE(torch::equal(flat.grads(), first));
  EXPECT_EQ(flat.grads().data_ptr<float>(), gbase);
  const auto params = model.parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(params[i].grad().data_ptr<float>(), gbase + flat.slices()[i].offset);
  }
  EXPECT_NO_THROW(flat.check_bound(model));
}

TEST(FlatParameters, InPlaceUpdatesOfValuesChangeTheModel) {
  torch::manual_seed(7);
  Fc512 model({1, 28, 28}, 10);
  FlatParameters flat(model);
  const torch::Tensor x = torch::randn({3, 1, 28, 28});
  torch::NoGradGuard no_grad;
  const torch::Tensor before = model.forward(x);

  // A plain SGD step on the flat vector moves the module.
  flat.values().narrow(0, 0, 1000).add_(0.5);
  EXPECT_FALSE(torch::equal(model.forward(x), before));

  // All weights zero and fc2.bias = (0, 1, ..., 9): every row of logits is that bias.
  flat.values().zero_();
  const TensorSlice& bias = flat.slices()[3];
  ASSERT_EQ(bias.name, "fc2.bias");
  flat.values().narrow(0, bias.offset, bias.numel).copy_(torch::arange(10, torch::kFloat32));
  EXPECT_TRUE(torch::equal(model.forward(x), torch::arange(10, torch::kFloat32).repeat({3, 1})));
}

TEST(FlatParameters, CheckBoundDetectsReplacedTensors) {
  Fc512 model({1, 28, 28}, 10);
  FlatParameters flat(model);
  EXPECT_NO_THROW(flat.check_bound(model));
  // Module::zero_grad() zeroes a detached alias of each gradient: still bound.
  model.zero_grad(/*set_to_none=*/false);
  EXPECT_NO_THROW(flat.check_bound(model));
  model.parameters()[2].mutable_grad() = torch::zeros({10, 512});
  EXPECT_THROW(flat.check_bound(model), std::logic_error);
  model.parameters()[2].mutable_grad() = torch::Tensor();
  EXPECT_THROW(flat.check_bound(model), std::logic_error);
  Fc512 other({1, 28, 28}, 10);
  EXPECT_THROW(flat.check_bound(other), std::logic_error);
  Fc512 third({1, 28, 28}, 10);
  FlatParameters third_flat(third);
  third.zero_grad(/*set_to_none=*/true);
  EXPECT_THROW(third_flat.check_bound(third), std::logic_error);
}

TEST(FlatParameters, RejectsNonFloatParametersAndEmptyModules) {
  Fc512 model({1, 28, 28}, 10);
  model.to(torch::kFloat64);
  EXPECT_THROW(FlatParameters{model}, std::logic_error);
  torch::nn::Module empty;
  EXPECT_THROW(FlatParameters{empty}, std::logic_error);
}

TEST(FlatParameters, ViewValuesOfEvaluatesAtOtherParametersWithoutCopying) {
  torch::manual_seed(1);
  Fc512 model({1, 28, 28}, 10);
  FlatParameters flat(model);
  torch::manual_seed(2);
  Fc512 reference({1, 28, 28}, 10);
  FlatParameters reference_flat(reference);
  // A stored parameter vector (e.g. theta_hat): the reference model's values.
  const torch::Tensor stored = reference_flat.values().clone();

  flat.view_values_of(stored);
  EXPECT_EQ(flat.values().data_ptr<float>(), stored.data_ptr<float>());
  EXPECT_NO_THROW(flat.check_bound(model));
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({3, 1, 28, 28});
  EXPECT_TRUE(torch::equal(model.forward(x), reference.forward(x)));
  {
    torch::GradMode::set_enabled(true);
    flat.zero_grads();
    reference_flat.zero_grads();
    backward_once(model, 5);
    backward_once(reference, 5);
    torch::GradMode::set_enabled(false);
  }
  EXPECT_TRUE(torch::equal(flat.grads(), reference_flat.grads()));
  EXPECT_TRUE(torch::equal(stored, reference_flat.values())) << "the view must not be written";
  EXPECT_THROW(flat.view_values_of(torch::zeros({7})), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
