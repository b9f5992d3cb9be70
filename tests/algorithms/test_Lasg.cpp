#include "algorithms/Lasg.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;
using test::vec;

const std::vector<TensorSlice> kSlices{{"w", 0, 2}};  // n = 2

LasgOptions lasg_options(int64_t max_delay) {
  LasgOptions o;
  o.rule.max_delay = max_delay;
  return o;  // kappa = 1, c_factor = 2, current lr
}

// Three warm-up iterations (D = 3), M = 2, lr = 0.5, theta^0 = 0:
//   t = 0: stored (1, 0), (0, 0) -> theta^1 = (-1, 0),  ||step||^2 = 1
//   t = 1: stored (0, 2), (1, 0) -> theta^2 = (-2, -2), ||step||^2 = 5
//   t = 2: stored (2, 0), (0, 2) -> theta^3 = (-4, -4), ||step||^2 = 8
torch::Tensor warm_up(Lasg& lasg) {
  torch::Tensor theta = torch::zeros({2});
  const torch::Tensor none;
  const std::vector<std::pair<torch::Tensor, torch::Tensor>> g{
      {vec({2, 0}), vec({0, 0})}, {vec({0, 4}), vec({2, 0})}, {vec({4, 0}), vec({0, 4})}};
  for (int64_t t = 0; t < 3; ++t) {
    lasg.begin_iteration(context(t, 0.5, theta));
    lasg.worker_step(0, g[static_cast<size_t>(t)].first, none);
    lasg.worker_step(1, g[static_cast<size_t>(t)].second, none);
    lasg.server_step(theta);
  }
  EXPECT_TRUE(same(theta, vec({-4, -4})));
  return theta;
}

TEST(Lasg, WarmUpUploadsEverythingAndLeavesTauAtZero) {
  Lasg lasg(lasg_options(3), 2, kSlices, torch::kCPU);
  EXPECT_EQ(lasg.server_memory().total_bytes(), 0);
  EXPECT_THROW(lasg.theta_hat(0), std::logic_error);  // nothing uploaded yet
  torch::Tensor theta = vec({1, 1});
  for (int64_t t = 0; t < 3; ++t) {
    const torch::Tensor theta_t = theta.clone();
    lasg.begin_iteration(context(t, 0.5, theta));
    EXPECT_FALSE((lasg.auxiliary_point(0) != nullptr));
    EXPECT_FALSE((lasg.auxiliary_point(1) != nullptr));
    const WorkerOutcome w0 = lasg.worker_step(0, vec({2, 2}), torch::Tensor());
    if (t == 0) {
      EXPECT_EQ(lasg.server_memory().total_bytes(), 4 * 2);  // only worker 0 stored so far
    }
    const WorkerOutcome w1 = lasg.worker_step(1, vec({0, 2}), torch::Tensor());
    for (const WorkerOutcome& w : {w0, w1}) {
      EXPECT_TRUE(w.uploaded);
      EXPECT_FALSE(w.forced);
      EXPECT_EQ(w.values, 2);
      EXPECT_EQ(w.payload_bytes, 16 + 4 * 2);
      EXPECT_EQ(w.lhs, 0.0);
      EXPECT_EQ(w.threshold, 0.0);
    }
    lasg.server_step(theta);
    EXPECT_EQ(lasg.tau(0), 0);
    EXPECT_EQ(lasg.tau(1), 0);
    EXPECT_TRUE(same(lasg.theta_hat(0), theta_t));
    EXPECT_TRUE(same(lasg.theta_hat(1), theta_t));
    EXPECT_EQ(lasg.server_memory().total_bytes(), 2 * 4 * 2);  // M * 4n
  }
  // Each iteration subtracts 0.5 * (2, 2) + 0.5 * (0, 2) = (1, 2).
  EXPECT_TRUE(same(theta, vec({-2, -5})));
  lasg.begin_iteration(context(3, 0.5, theta));
  EXPECT_TRUE((lasg.auxiliary_point(0) != nullptr));
  EXPECT_TRUE((lasg.auxiliary_point(1) != nullptr));
}

TEST(Lasg, ThresholdFromTheLastDMinusOneStepsAndEqualitySkips) {
  Lasg lasg(lasg_options(3), 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);

  // t = 3: the history's last D - 1 = 2 steps are 8 (d = 1) and 5 (d = 2); the first (1) is
  // out. thr = kappa * 13 / (c_factor * lr * M^2) = 13 / (2 * 0.5 * 4) = 3.25.
  lasg.begin_iteration(context(3, 0.5, theta));
  // Worker 0: ||(3, 0) - (1, 0)||^2 = 4 > 3.25: uploads 0.5 * (3, 0).
  const WorkerOutcome w0 = lasg.worker_step(0, vec({3, 0}), vec({1, 0}));
  EXPECT_TRUE(w0.uploaded);
  EXPECT_FALSE(w0.forced);
  EXPECT_EQ(w0.lhs, 4.0);
  EXPECT_EQ(w0.threshold, 3.25);
  EXPECT_EQ(w0.values, 2);
  EXPECT_EQ(w0.payload_bytes, 24);
  EXPECT_EQ(lasg.tau(0), 1);
  EXPECT_TRUE(same(lasg.theta_hat(0), vec({-4, -4})));
  EXPECT_TRUE(same(lasg.stored(0), vec({1.5, 0})));
  // Worker 1: ||(1.5, 1)||^2 = 3.25, equal to thr: skips.
  const WorkerOutcome w1 = lasg.worker_step(1, vec({1.5, 1}), vec({0, 0}));
  EXPECT_FALSE(w1.uploaded);
  EXPECT_FALSE(w1.forced);
  EXPECT_EQ(w1.lhs, 3.25);
  EXPECT_EQ(w1.threshold, 3.25);
  EXPECT_EQ(w1.values, 0);
  EXPECT_EQ(w1.payload_bytes, 0);
  EXPECT_EQ(lasg.tau(1), 1);
  EXPECT_TRUE(same(lasg.theta_hat(1), vec({-2, -2})));  // still theta^2, its last upload
  EXPECT_TRUE(same(lasg.stored(1), vec({0, 2})));
  // theta^4 = theta^3 - ((1.5, 0) + (0, 2)) = (-5.5, -6); ||step||^2 = 2.25 + 4 = 6.25.
  lasg.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-5.5, -6})));
  EXPECT_EQ(lasg.server_memory().total_bytes(), 2 * 4 * 2);

  // t = 4: thr = (6.25 + 8) / 4 = 3.5625.
  lasg.begin_iteration(context(4, 0.5, theta));
  const WorkerOutcome w = lasg.worker_step(0, vec({1, 1}), vec({1, 1}));
  EXPECT_EQ(w.threshold, 3.5625);
  EXPECT_EQ(w.lhs, 0.0);
  EXPECT_FALSE(w.uploaded);
}

TEST(Lasg, KappaAndCFactorScaleTheThreshold) {
  LasgOptions o = lasg_options(3);
  o.rule.kappa = 1.25;
  Lasg lasg(o, 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);
  // thr = 1.25 * 13 / 4 = 4.0625; a threshold_lr in the context is ignored (current form).
  lasg.begin_iteration(context(3, 0.5, theta, /*threshold_lr=*/0.25));
  EXPECT_EQ(lasg.worker_step(0, vec({0, 0}), vec({0, 0})).threshold, 4.0625);
}

TEST(Lasg, LaggedLearningRateFormUsesThresholdLr) {
  LasgOptions o = lasg_options(3);
  o.rule.c_factor = 1.0;
  o.rule.threshold_lr = ThresholdLrKind::kLagged;
  Lasg lasg(o, 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);  // warm-up passes threshold_lr = 0: not needed yet
  // c = 1 * alpha_thr * M^2 = 0.25 * 4 = 1: thr = 13 (the current-lr form would give 6.5).
  lasg.begin_iteration(context(3, 0.5, theta, /*threshold_lr=*/0.25));
  // ||(3.5, 0)||^2 = 12.25 skips; ||(3.5, 1.5)||^2 = 14.5 uploads.
  const WorkerOutcome w0 = lasg.worker_step(0, vec({3.5, 0}), vec({0, 0}));
  const WorkerOutcome w1 = lasg.worker_step(1, vec({3.5, 1}), vec({0, -0.5}));
  EXPECT_EQ(w0.threshold, 13.0);
  EXPECT_EQ(w0.lhs, 12.25);
  EXPECT_FALSE(w0.uploaded);
  EXPECT_EQ(w1.threshold, 13.0);
  EXPECT_EQ(w1.lhs, 14.5);
  EXPECT_TRUE(w1.uploaded);
}

TEST(Lasg, LaggedThresholdLrMustBePositive) {
  LasgOptions o = lasg_options(3);
  o.rule.threshold_lr = ThresholdLrKind::kLagged;
  Lasg lasg(o, 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);
  EXPECT_THROW(lasg.begin_iteration(context(3, 0.5, theta, /*threshold_lr=*/0.0)),
               std::logic_error);
}

TEST(Lasg, XiFormWeightsEachStepByItsAge) {
  LasgOptions o = lasg_options(3);
  o.rule.xi = {0.5, 0.25};  // xi_1 (most recent step), xi_2
  Lasg lasg(o, 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);
  // t = 3: thr = (0.5 * 8 + 0.25 * 5) / (lr^2 M^2 = 0.25 * 4) = 5.25 (reversed weights: 4.5).
  lasg.begin_iteration(context(3, 0.5, theta));
  const WorkerOutcome w0 = lasg.worker_step(0, vec({10, 0}), vec({0, 0}));
  EXPECT_EQ(w0.threshold, 5.25);
  EXPECT_TRUE(w0.uploaded);  // 100 > 5.25: stores (5, 0)
  EXPECT_FALSE(lasg.worker_step(1, vec({1, 1}), vec({1, 1})).uploaded);  // reuses (0, 2)
  lasg.server_step(theta);
  // theta^4 = (-4, -4) - (5, 2) = (-9, -6); step 25 + 4 = 29.
  EXPECT_TRUE(same(theta, vec({-9, -6})));
  // t = 4: thr = (0.5 * 29 + 0.25 * 8) / 1 = 16.5 (reversed: 11.25).
  lasg.begin_iteration(context(4, 0.5, theta));
  EXPECT_EQ(lasg.worker_step(0, vec({0, 0}), vec({0, 0})).threshold, 16.5);
}

TEST(Lasg, XiFormWithThreeTermsFollowsTheRingOfSteps) {
  // D = 4, M = 1, lr = 0.5: warm-up steps 0.5 * g have squared norms 1, 4, 9, 16.
  LasgOptions o = lasg_options(4);
  o.rule.xi = {1.0, 0.5, 0.25};
  Lasg lasg(o, 1, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({2});
  const std::vector<torch::Tensor> g{vec({2, 0}), vec({4, 0}), vec({0, 6}), vec({8, 0})};
  for (int64_t t = 0; t < 4; ++t) {
    lasg.begin_iteration(context(t, 0.5, theta));
    lasg.worker_step(0, g[static_cast<size_t>(t)], torch::Tensor());
    lasg.server_step(theta);
  }
  // t = 4: (1 * 16 + 0.5 * 9 + 0.25 * 4) / (0.25 * 1) = 86. Uploads 0.5 * (20, 0): step 100.
  lasg.begin_iteration(context(4, 0.5, theta));
  const WorkerOutcome w4 = lasg.worker_step(0, vec({20, 0}), vec({0, 0}));
  EXPECT_EQ(w4.threshold, 86.0);
  EXPECT_TRUE(w4.uploaded);
  lasg.server_step(theta);
  // t = 5: (1 * 100 + 0.5 * 16 + 0.25 * 9) / 0.25 = 441.
  lasg.begin_iteration(context(5, 0.5, theta));
  EXPECT_EQ(lasg.worker_step(0, vec({0, 0}), vec({0, 0})).threshold, 441.0);
}

TEST(Lasg, ForcedUploadOnceTauExceedsDAndStaleVectorsAreReused) {
  // D = 2, M = 1, g_new == g_old after warm-up, so LHS = 0 never exceeds thr and only the
  // delay bound makes the worker upload. Warm-up leaves tau at 0, so the first forced upload
  // comes after three skips (tau 1, 2, 3 > D), later ones after two (tau 2, 3).
  Lasg lasg(lasg_options(2), 1, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({2});
  // Warm-up, lr = 0.5: stores (1, -2) twice: theta^1 = (-1, 2), theta^2 = (-2, 4).
  for (int64_t t = 0; t < 2; ++t) {
    lasg.begin_iteration(context(t, 0.5, theta));
    lasg.worker_step(0, vec({2, -4}), torch::Tensor());
    lasg.server_step(theta);
  }
  EXPECT_TRUE(same(lasg.theta_hat(0), vec({-1, 2})));

  // From t = 2 the lr is 0.25, and fresh gradients are (4, 8): an upload stores (1, 2).
  struct Expected {
    bool uploaded;
    int64_t tau;
    std::vector<float> theta_next;
    std::vector<float> theta_hat;
  };
  const std::vector<Expected> expected{
      {false, 1, {-3, 6}, {-1, 2}},   // t = 2: the stale (1, -2) is reused despite lr = 0.25
      {false, 2, {-4, 8}, {-1, 2}},   // t = 3
      {false, 3, {-5, 10}, {-1, 2}},  // t = 4: tau = 2 is not > D
      {true, 1, {-6, 8}, {-5, 10}},   // t = 5: tau = 3 > 2: forced; theta_hat = theta^5
      {false, 2, {-7, 6}, {-5, 10}},  // t = 6: now (1, 2) is reused
      {false, 3, {-8, 4}, {-5, 10}},  // t = 7
      {true, 1, {-9, 2}, {-8, 4}},    // t = 8: forced again
  };
  for (int64_t t = 2; t <= 8; ++t) {
    const Expected& e = expected[static_cast<size_t>(t - 2)];
    lasg.begin_iteration(context(t, 0.25, theta));
    ASSERT_TRUE((lasg.auxiliary_point(0) != nullptr));
    const WorkerOutcome w = lasg.worker_step(0, vec({4, 8}), vec({4, 8}));
    EXPECT_EQ(w.uploaded, e.uploaded) << "t = " << t;
    EXPECT_EQ(w.forced, e.uploaded) << "t = " << t;
    EXPECT_EQ(w.lhs, 0.0);
    // Every step has squared norm 1 + 4 = 5: thr = 5 / (2 * 0.25 * 1) = 10.
    EXPECT_EQ(w.threshold, 10.0) << "t = " << t;
    EXPECT_EQ(w.values, e.uploaded ? 2 : 0);
    EXPECT_EQ(lasg.tau(0), e.tau) << "t = " << t;
    lasg.server_step(theta);
    EXPECT_TRUE(same(theta, torch::tensor(e.theta_next))) << "t = " << t;
    EXPECT_TRUE(same(lasg.theta_hat(0), torch::tensor(e.theta_hat))) << "t = " << t;
  }
}

TEST(Lasg, RequiresTheOldGradientAfterWarmUp) {
  Lasg lasg(lasg_options(3), 2, kSlices, torch::kCPU);
  torch::Tensor theta = warm_up(lasg);
  lasg.begin_iteration(context(3, 0.5, theta));
  EXPECT_THROW(lasg.worker_step(0, vec({1, 1}), torch::Tensor()), std::logic_error);
  EXPECT_THROW(lasg.worker_step(0, vec({1, 1}), vec({1, 1, 1})), std::logic_error);
}

TEST(Lasg, RejectsInvalidOptions) {
  LasgOptions o = lasg_options(0);
  EXPECT_THROW(Lasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
  o = lasg_options(3);
  o.rule.xi = {1.0};  // needs D - 1 = 2 values
  EXPECT_THROW(Lasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
  o = lasg_options(3);
  o.rule.kappa = -1.0;
  EXPECT_THROW(Lasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
  o = lasg_options(3);
  o.rule.c_factor = 0.0;
  EXPECT_THROW(Lasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
  EXPECT_THROW(Lasg(lasg_options(3), 0, kSlices, torch::kCPU), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
