#include "algorithms/LazyRule.h"

#include <deque>
#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;

// Drives the rule for M = 3 workers over 14 iterations with a fixed upload pattern (a large
// LHS uploads, LHS = 0 skips unless forced) and compares theta_hat, tau and the threshold with
// a naive model that keeps full copies: theta_hat rows are shared between workers that
// uploaded in the same iteration, so reuse of rows must never clobber a live snapshot.
TEST(LazyRule, SharedSnapshotsMatchANaiveModel) {
  constexpr int kWorkers = 3;
  constexpr int64_t kD = 3;
  constexpr int64_t kN = 5;
  LazyRuleOptions o;
  o.max_delay = kD;
  o.kappa = 1.5;
  LazyRule rule("test", o, kWorkers, kN, torch::kCPU);

  // wants[t][m]: the worker's gradient changed a lot (uploads) or not at all.
  const std::vector<std::vector<int>> wants{
      {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 0}, {1, 0, 0},
      {0, 0, 1}, {0, 0, 0}, {0, 1, 0}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  std::vector<torch::Tensor> naive_hat(kWorkers);
  std::vector<int64_t> naive_tau(kWorkers, 0);
  std::deque<double> steps;  // squared steps, newest first
  torch::Tensor theta = torch::arange(kN, torch::kFloat32);
  const torch::Tensor zero = torch::zeros({kN});
  const torch::Tensor big = torch::full({kN}, 100.0f);
  for (int64_t t = 0; t < static_cast<int64_t>(wants.size()); ++t) {
    const double lr = t < 7 ? 0.5 : 0.25;
    rule.begin_iteration(context(t, lr, theta));
    EXPECT_EQ(rule.needs_old_gradient(), t >= kD);
    double naive_thr = 0.0;
    if (t >= kD) {
      const double sum = steps[0] + steps[1];  // the last D - 1 = 2 steps
      naive_thr = 1.5 * sum / (2.0 * lr * kWorkers * kWorkers);
    }
    for (int m = 0; m < kWorkers; ++m) {
      const bool want = wants[static_cast<size_t>(t)][static_cast<size_t>(m)] != 0;
      const LazyRule::Decision d = rule.decide(m, want ? big : zero, zero);
      bool upload = true;
      if (t >= kD) {
        upload = want || naive_tau[static_cast<size_t>(m)] > kD;
        EXPECT_DOUBLE_EQ(d.threshold, naive_thr) << "t = " << t;
        EXPECT_EQ(d.forced, !want && upload) << "t = " << t << ", m = " << m;
        naive_tau[static_cast<size_t>(m)] = upload ? 1 : naive_tau[static_cast<size_t>(m)] + 1;
      }
      EXPECT_EQ(d.upload, upload) << "t = " << t << ", m = " << m;
      if (upload) naive_hat[static_cast<size_t>(m)] = theta.clone();
    }
    for (int m = 0; m < kWorkers; ++m) {
      EXPECT_TRUE(same(rule.theta_hat(m), naive_hat[static_cast<size_t>(m)]))
          << "t = " << t << ", m = " << m;
      EXPECT_EQ(rule.tau(m), naive_tau[static_cast<size_t>(m)]) << "t = " << t << ", m = " << m;
    }
    const torch::Tensor before = theta.clone();
    rule.update(theta, torch::full({kN}, static_cast<float>(t % 4) + 0.5f));
    steps.push_front((theta - before).pow(2).sum().item<double>());
  }
}

TEST(LazyRule, WithDEqualOneEveryChangeUploads) {
  // D = 1: no history terms, thr = 0; upload iff LHS > 0 or tau > 1.
  LazyRuleOptions o;
  o.max_delay = 1;
  LazyRule rule("test", o, 1, 2, torch::kCPU);
  torch::Tensor theta = torch::zeros({2});
  const torch::Tensor g = torch::ones({2});
  rule.begin_iteration(context(0, 0.1, theta));
  EXPECT_TRUE(rule.decide(0, g, g).upload);  // warm-up
  rule.update(theta, g);
  rule.begin_iteration(context(1, 0.1, theta));
  const LazyRule::Decision skip = rule.decide(0, g, g);
  EXPECT_FALSE(skip.upload);  // LHS 0 == thr 0 skips; tau 0 -> 1
  EXPECT_EQ(skip.threshold, 0.0);
  rule.update(theta, g);
  rule.begin_iteration(context(2, 0.1, theta));
  EXPECT_FALSE(rule.decide(0, g, g).upload);  // tau 1 is not > 1; tau -> 2
  rule.update(theta, g);
  rule.begin_iteration(context(3, 0.1, theta));
  EXPECT_TRUE(rule.decide(0, g, g).forced);
  rule.update(theta, g);
  rule.begin_iteration(context(4, 0.1, theta));
  EXPECT_TRUE(rule.decide(0, g, g * 2).upload);  // LHS 2 > 0
}

TEST(LazyRule, ChecksItsCallOrder) {
  LazyRuleOptions o;
  o.max_delay = 2;
  LazyRule rule("lasg", o, 2, 2, torch::kCPU);
  torch::Tensor theta = torch::zeros({2});
  EXPECT_THROW(rule.decide(0, theta, theta), std::logic_error);  // no open iteration
  EXPECT_THROW(rule.update(theta, theta), std::logic_error);
  rule.begin_iteration(context(0, 0.1, theta));
  EXPECT_THROW(rule.decide(2, theta, theta), std::logic_error);
  EXPECT_THROW(rule.begin_iteration(context(1, 0.1, theta)), std::logic_error);  // no update
  EXPECT_THROW(rule.theta_hat(5), std::logic_error);
  try {
    rule.theta_hat(1);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "lasg::theta_hat: worker 1 has not uploaded yet");
  }
}

}  // namespace
}  // namespace sasgsim
