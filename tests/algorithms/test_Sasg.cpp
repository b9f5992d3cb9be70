#include "algorithms/Sasg.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::ivec;
using test::same;
using test::sorted;
using test::vec;

// n = 6 in two tensors (4 + 2); density 0.5 keeps k_a = 2 and k_b = 1 entries: k = 3.
const std::vector<TensorSlice> kSlices{{"a", 0, 4}, {"b", 4, 2}};

SasgOptions sasg_options() {
  SasgOptions o;
  o.topk.density = 0.5;
  o.rule.max_delay = 2;
  return o;  // kappa = 1, c_factor = 2, current lr
}

TEST(Sasg, WarmUpCompressesWithErrorFeedbackThenTheRuleSkipsAndReuses) {
  Sasg sasg(sasg_options(), 2, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  const torch::Tensor none;
  EXPECT_EQ(sasg.server_memory().total_bytes(), 0);

  // t = 0 (warm-up), lr = 0.5, as Sparse's first iteration:
  //   worker 0: p = (1, -3, 2, 1, 4, 1) -> Delta_0 = {1: -3, 2: 2, 4: 4}, e_0 = (1, 0, 0, 1, 0, 1)
  //   worker 1: p = (0, 1, 0, -4, 1, -3) -> Delta_1 = {1: 1, 3: -4, 5: -3}, e_1 = (0, 0, 0, 0, 1, 0)
  //   theta^1 = (0, 2, -2, 4, -4, 3); ||step||^2 = 4 + 4 + 16 + 16 + 9 = 49.
  sasg.begin_iteration(context(0, 0.5, theta));
  const WorkerOutcome w0 = sasg.worker_step(0, vec({2, -6, 4, 2, 8, 2}), none);
  EXPECT_EQ(sasg.server_memory().total_bytes(), (4 + 4) * 3);
  const WorkerOutcome w1 = sasg.worker_step(1, vec({0, 2, 0, -8, 2, -6}), none);
  EXPECT_EQ(sasg.server_memory().total_bytes(), 2 * (4 + 4) * 3);
  sasg.server_step(theta);
  EXPECT_TRUE(same(theta, vec({0, 2, -2, 4, -4, 3})));
  for (const WorkerOutcome& w : {w0, w1}) {
    EXPECT_TRUE(w.uploaded);
    EXPECT_FALSE(w.forced);
    EXPECT_EQ(w.values, 3);
    EXPECT_EQ(w.payload_bytes, 16 + (4 + 4) * 3);
    EXPECT_EQ(w.lhs, 0.0);
    EXPECT_EQ(w.threshold, 0.0);
  }
  EXPECT_TRUE(same(sorted(sasg.stored_indices(0)), ivec({1, 2, 4})));
  EXPECT_TRUE(same(sasg.error(0), vec({1, 0, 0, 1, 0, 1})));
  EXPECT_TRUE(same(sasg.error(1), vec({0, 0, 0, 0, 1, 0})));
  EXPECT_EQ(sasg.tau(0), 0);
  EXPECT_EQ(sasg.tau(1), 0);

  // t = 1 (warm-up, D = 2):
  //   worker 0: p = (1, 0, 0, 0, 0, 0) + e_0 = (2, 0, 0, 1, 0, 1) -> keeps 0, 3, 5; e_0 = 0
  //   worker 1: p = (0, 0, 0, 0, 0, 2) + e_1 = (0, 0, 0, 0, 1, 2) -> a sends two zeros, b keeps
  //             entry 5; e_1 = (0, 0, 0, 0, 1, 0)
  //   theta^2 = theta^1 - (2, 0, 0, 1, 0, 3) = (-2, 2, -2, 3, -4, 0); ||step||^2 = 4 + 1 + 9 = 14.
  sasg.begin_iteration(context(1, 0.5, theta));
  const torch::Tensor theta_1 = theta.clone();
  sasg.worker_step(0, vec({2, 0, 0, 0, 0, 0}), none);
  sasg.worker_step(1, vec({0, 0, 0, 0, 0, 4}), none);
  sasg.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-2, 2, -2, 3, -4, 0})));
  EXPECT_TRUE(same(sasg.error(0), torch::zeros({6})));
  EXPECT_TRUE(same(sasg.error(1), vec({0, 0, 0, 0, 1, 0})));
  EXPECT_EQ(sasg.tau(0), 0);
  EXPECT_EQ(sasg.tau(1), 0);
  EXPECT_TRUE(same(sasg.theta_hat(1), theta_1));

  // t = 2: thr = 14 / (2 * 0.5 * 2^2) = 3.5.
  //   worker 0: LHS = ||(2, 2, 0, 0, 0, 0)||^2 = 8 > 3.5: uploads p = (1, 1, 0, 0, 0, 0);
  //             a keeps 0, 1, b sends a zero; e_0 stays 0; tau_0 = 1; theta_hat_0 = theta^2.
  //   worker 1: LHS = 1 <= 3.5: skips; e_1 unchanged (the fresh gradient is dropped);
  //             the server reuses Delta_1 = {5: 2} (+ zeros); tau_1 = 1.
  //   theta^3 = theta^2 - (1, 1, 0, 0, 0, 2) = (-3, 1, -2, 3, -4, -2).
  sasg.begin_iteration(context(2, 0.5, theta));
  const torch::Tensor theta_2 = theta.clone();
  const torch::Tensor indices_1 = sasg.stored_indices(1).clone();
  const torch::Tensor values_1 = sasg.stored_values(1).clone();
  const WorkerOutcome up = sasg.worker_step(0, vec({2, 2, 0, 0, 0, 0}), torch::zeros({6}));
  const WorkerOutcome skip = sasg.worker_step(1, vec({1, 0, 0, 0, 0, 0}), torch::zeros({6}));
  EXPECT_TRUE(up.uploaded);
  EXPECT_EQ(up.lhs, 8.0);
  EXPECT_EQ(up.threshold, 3.5);
  EXPECT_EQ(up.values, 3);
  EXPECT_EQ(up.payload_bytes, 40);
  EXPECT_FALSE(skip.uploaded);
  EXPECT_FALSE(skip.forced);
  EXPECT_EQ(skip.lhs, 1.0);
  EXPECT_EQ(skip.threshold, 3.5);
  EXPECT_EQ(skip.values, 0);
  EXPECT_EQ(skip.payload_bytes, 0);
  EXPECT_TRUE(same(sasg.error(1), vec({0, 0, 0, 0, 1, 0})));
  EXPECT_TRUE(same(sasg.stored_indices(1), indices_1));
  EXPECT_TRUE(same(sasg.stored_values(1), values_1));
  EXPECT_TRUE(same(sasg.theta_hat(0), theta_2));
  EXPECT_TRUE(same(sasg.theta_hat(1), theta_1));
  EXPECT_EQ(sasg.tau(0), 1);
  EXPECT_EQ(sasg.tau(1), 1);
  sasg.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-3, 1, -2, 3, -4, -2})));
  EXPECT_EQ(sasg.server_memory().total_bytes(), 2 * (4 + 4) * 3);  // M sparse vectors
}

TEST(Sasg, ForcedUploadFlushesTheErrorOnlyWhenItHappens) {
  Sasg sasg(sasg_options(), 1, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  // t = 0: p = 0.5 * (0, 0, 0, 2, 2, 4) = (0, 0, 0, 1, 1, 2): a keeps entry 3 and a zero,
  // b keeps entry 5: e = (0, 0, 0, 0, 1, 0).
  // t = 1: p = 0.5 * (0, 0, 0, 0, 2, 0) + e = (0, 0, 0, 0, 2, 0): b keeps entry 4: e = 0.
  sasg.begin_iteration(context(0, 0.5, theta));
  sasg.worker_step(0, vec({0, 0, 0, 2, 2, 4}), torch::Tensor());
  sasg.server_step(theta);
  EXPECT_TRUE(same(sasg.error(0), vec({0, 0, 0, 0, 1, 0})));
  sasg.begin_iteration(context(1, 0.5, theta));
  sasg.worker_step(0, vec({0, 0, 0, 0, 2, 0}), torch::Tensor());
  sasg.server_step(theta);
  EXPECT_TRUE(same(sasg.error(0), torch::zeros({6})));
  // From t = 2 every fresh gradient equals the old one (LHS = 0): skips at t = 2, 3, 4 keep
  // e = 0 although the fresh gradients are not zero; the forced upload at t = 5 (tau = 3 > 2)
  // compresses p = 0.5 * (8, 6, 4, 2, 2, 0) = (4, 3, 2, 1, 1, 0): keeps 0, 1 and 4 (b: 1 > 0),
  // e = (0, 0, 2, 1, 0, 0).
  const torch::Tensor g = vec({8, 6, 4, 2, 2, 0});
  for (int64_t t = 2; t <= 5; ++t) {
    sasg.begin_iteration(context(t, 0.5, theta));
    const WorkerOutcome w = sasg.worker_step(0, g, g);
    EXPECT_EQ(w.uploaded, t == 5) << "t = " << t;
    EXPECT_EQ(w.forced, t == 5) << "t = " << t;
    EXPECT_EQ(sasg.tau(0), t == 5 ? 1 : t - 1) << "t = " << t;
    if (t < 5) {
      EXPECT_TRUE(same(sasg.error(0), torch::zeros({6}))) << "t = " << t;
    }
    sasg.server_step(theta);
  }
  EXPECT_TRUE(same(sasg.error(0), vec({0, 0, 2, 1, 0, 0})));
  EXPECT_TRUE(same(sorted(sasg.stored_indices(0)), ivec({0, 1, 4})));
  EXPECT_TRUE(same(sorted(sasg.stored_values(0)), vec({1, 3, 4})));
}

TEST(Sasg, RejectsInvalidOptions) {
  SasgOptions o = sasg_options();
  o.topk.density = 0.0;
  EXPECT_THROW(Sasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
  o = sasg_options();
  o.rule.max_delay = 0;
  EXPECT_THROW(Sasg(o, 2, kSlices, torch::kCPU), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
