// Batched decisions (the GPU path of LASG and SASG: stage every worker, then one host transfer
// in decide_workers) must give exactly what worker_step gives worker by worker. Both paths run
// here on the CPU, where batching is off by default, on a noisy quadratic problem whose lazy
// rule both skips and uploads.
#include <memory>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/Lasg.h"
#include "algorithms/Sasg.h"
#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;

constexpr int kWorkers = 4;
constexpr int64_t kIterations = 40;
const std::vector<TensorSlice> kSlices{{"w", 0, 40}, {"b", 40, 10}};

// Worker m's gradient of 0.5 ||A_m theta - y_m||^2 plus minibatch noise shared by g_new and
// g_old (same minibatch).
struct Problem {
  std::vector<torch::Tensor> a, y;
  explicit Problem(int64_t n) {
    torch::manual_seed(3);
    for (int m = 0; m < kWorkers; ++m) {
      a.push_back(torch::randn({n, n}) / std::sqrt(static_cast<double>(n)));
      y.push_back(torch::randn({n}));
    }
  }
  torch::Tensor gradient(int m, const torch::Tensor& theta, const torch::Tensor& noise) const {
    const torch::Tensor& am = a[static_cast<size_t>(m)];
    return am.t().mv(am.mv(theta) - y[static_cast<size_t>(m)]) + noise;
  }
};

template <class Alg>
void expect_batched_equals_worker_by_worker() {
  typename Alg::Options o;
  o.rule.max_delay = 3;
  if constexpr (std::is_same_v<Alg, Sasg>) o.topk.density = 0.1;
  const int64_t n = 50;
  Alg plain(o, kWorkers, kSlices, torch::kCPU);
  Alg batched(o, kWorkers, kSlices, torch::kCPU);
  ASSERT_FALSE(plain.batched_decisions());  // off on the CPU by default
  batched.set_batched_decisions(true);
  const Problem problem(n);
  torch::Tensor theta_plain = torch::zeros({n});
  torch::Tensor theta_batched = torch::zeros({n});
  int skips = 0, uploads_after_warm_up = 0;
  for (int64_t t = 0; t < kIterations; ++t) {
    const double lr = t < 20 ? 0.05 : 0.02;
    plain.begin_iteration(context(t, lr, theta_plain, lr));
    batched.begin_iteration(context(t, lr, theta_batched, lr));
    std::vector<WorkerOutcome> expected;
    for (int m = 0; m < kWorkers; ++m) {
      const torch::Tensor noise = 0.05 * torch::randn({n});
      const torch::Tensor g_new = problem.gradient(m, theta_plain, noise);
      torch::Tensor g_old;
      ASSERT_EQ(plain.auxiliary_point(m) != nullptr, batched.auxiliary_point(m) != nullptr);
      if (plain.auxiliary_point(m) != nullptr) {
        ASSERT_TRUE(same(plain.theta_hat(m), batched.theta_hat(m))) << "t=" << t << " m=" << m;
        g_old = problem.gradient(m, plain.theta_hat(m), noise);
      }
      expected.push_back(plain.worker_step(m, g_new, g_old));
      // The caller may reuse its buffers after stage_worker: hand in copies it then clobbers.
      torch::Tensor g_new_copy = g_new.clone();
      torch::Tensor g_old_copy = g_old.defined() ? g_old.clone() : g_old;
      batched.stage_worker(m, g_new_copy, g_old_copy);
      g_new_copy.fill_(1e6);
      if (g_old_copy.defined()) g_old_copy.fill_(-1e6);
    }
    const std::vector<WorkerOutcome>& got = batched.decide_workers();
    ASSERT_EQ(got.size(), static_cast<size_t>(kWorkers));
    for (int m = 0; m < kWorkers; ++m) {
      const WorkerOutcome& e = expected[static_cast<size_t>(m)];
      const WorkerOutcome& g = got[static_cast<size_t>(m)];
      EXPECT_EQ(g.uploaded, e.uploaded) << "t=" << t << " m=" << m;
      EXPECT_EQ(g.forced, e.forced) << "t=" << t << " m=" << m;
      EXPECT_EQ(g.values, e.values);
      EXPECT_EQ(g.payload_bytes, e.payload_bytes);
      EXPECT_EQ(g.lhs, e.lhs) << "t=" << t << " m=" << m;
      EXPECT_EQ(g.threshold, e.threshold) << "t=" << t << " m=" << m;
      if (t >= o.rule.max_delay) (e.uploaded ? uploads_after_warm_up : skips) += 1;
    }
    plain.server_step(theta_plain);
    batched.server_step(theta_batched);
    ASSERT_TRUE(same(theta_batched, theta_plain)) << "t=" << t;
    EXPECT_EQ(batched.server_memory().total_bytes(), plain.server_memory().total_bytes());
  }
  // The comparison covers both branches of the rule.
  EXPECT_GT(skips, 0);
  EXPECT_GT(uploads_after_warm_up, 0);
}

TEST(BatchedDecisions, LasgMatchesWorkerByWorker) {
  expect_batched_equals_worker_by_worker<Lasg>();
}

TEST(BatchedDecisions, SasgMatchesWorkerByWorker) {
  expect_batched_equals_worker_by_worker<Sasg>();
}

TEST(BatchedDecisions, ServerStepBeforeDecideWorkersIsRejected) {
  LasgOptions o;
  o.rule.max_delay = 1;
  Lasg lasg(o, 1, {{"w", 0, 2}}, torch::kCPU);
  lasg.set_batched_decisions(true);
  torch::Tensor theta = torch::zeros({2});
  lasg.begin_iteration(context(0, 0.1, theta));
  lasg.stage_worker(0, test::vec({1, 1}), torch::Tensor());  // warm-up: decided at once
  EXPECT_TRUE(lasg.decide_workers()[0].uploaded);
  lasg.server_step(theta);
  lasg.begin_iteration(context(1, 0.1, theta));
  lasg.stage_worker(0, test::vec({1, 1}), test::vec({0, 0}));
  EXPECT_THROW(lasg.server_step(theta), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
