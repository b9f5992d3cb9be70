#include "algorithms/Sgd.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;
using test::vec;

const std::vector<TensorSlice> kSlices{{"a", 0, 4}, {"b", 4, 2}};

SgdOptions sgd_options() {
  SgdOptions o;
  return o;
}

TEST(Sgd, ServerSubtractsTheSumOfLrTimesGradients) {
  Sgd sgd(sgd_options(), 2, kSlices, torch::kCPU);
  torch::Tensor theta = vec({1, 2, 3, 4, 5, 6});
  const torch::Tensor none;

  // t = 0, lr = 0.5: messages 0.5 * g0 = (1, 0, -1, 2, 3, 4) and 0.5 * g1 = (0, 1, 1, -2, 1, 0),
  // sum (1, 1, 0, 0, 4, 4): theta^1 = (0, 1, 3, 4, 1, 2). A mean would give (0.5, 1.5, ...).
  sgd.begin_iteration(context(0, 0.5, theta));
  EXPECT_FALSE((sgd.auxiliary_point(0) != nullptr));
  const WorkerOutcome w0 = sgd.worker_step(0, vec({2, 0, -2, 4, 6, 8}), none);
  const WorkerOutcome w1 = sgd.worker_step(1, vec({0, 2, 2, -4, 2, 0}), none);
  sgd.server_step(theta);
  EXPECT_TRUE(same(theta, vec({0, 1, 3, 4, 1, 2})));
  for (const WorkerOutcome& w : {w0, w1}) {
    EXPECT_TRUE(w.uploaded);
    EXPECT_FALSE(w.forced);
    EXPECT_EQ(w.values, 6);
    EXPECT_EQ(w.payload_bytes, 16 + 4 * 6);
    EXPECT_EQ(w.lhs, 0.0);
    EXPECT_EQ(w.threshold, 0.0);
  }

  // t = 1, lr = 0.25: the new lr applies; (4, 4, 4, 4, 4, 4) * 0.25 * 2 workers = 2 each.
  sgd.begin_iteration(context(1, 0.25, theta));
  sgd.worker_step(1, vec({4, 4, 4, 4, 4, 4}), none);  // worker order does not matter
  sgd.worker_step(0, vec({4, 4, 4, 4, 4, 4}), none);
  sgd.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-2, -1, 1, 2, -1, 0})));
  EXPECT_EQ(sgd.server_memory().total_bytes(), 0);
}

TEST(Sgd, NeedsNoAuxiliaryGradient) {
  Sgd sgd(sgd_options(), 2, kSlices, torch::kCPU);
  EXPECT_EQ(sgd.auxiliary_point(0), nullptr);
  EXPECT_EQ(sgd.auxiliary_point(1), nullptr);
}

TEST(Sgd, ChecksTheCallOrder) {
  Sgd sgd(sgd_options(), 2, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  const torch::Tensor g = torch::ones({6});
  EXPECT_THROW(sgd.worker_step(0, g, g), std::logic_error);  // before begin_iteration
  EXPECT_THROW(sgd.begin_iteration(context(1, 0.1, theta)), std::logic_error);  // must start at 0
  sgd.begin_iteration(context(0, 0.1, theta));
  EXPECT_THROW(sgd.begin_iteration(context(1, 0.1, theta)), std::logic_error);  // still open
  sgd.worker_step(0, g, torch::Tensor());
  EXPECT_THROW(sgd.worker_step(0, g, torch::Tensor()), std::logic_error);  // twice
  EXPECT_THROW(sgd.worker_step(2, g, torch::Tensor()), std::logic_error);  // out of range
  EXPECT_THROW(sgd.worker_step(-1, g, torch::Tensor()), std::logic_error);
  EXPECT_THROW(sgd.server_step(theta), std::logic_error);  // worker 1 missing
  EXPECT_THROW(sgd.worker_step(1, torch::ones({5}), torch::Tensor()), std::logic_error);
  EXPECT_THROW(sgd.worker_step(1, torch::ones({6}, torch::kFloat64), torch::Tensor()),
               std::logic_error);
  sgd.worker_step(1, g, torch::Tensor());
  sgd.server_step(theta);
  EXPECT_THROW(sgd.server_step(theta), std::logic_error);  // iteration already closed
  EXPECT_THROW(sgd.begin_iteration(context(2, 0.1, theta)), std::logic_error);  // skipped 1
  EXPECT_THROW(sgd.begin_iteration(context(1, 0.0, theta)), std::logic_error);  // lr must be > 0
  EXPECT_THROW(sgd.begin_iteration(context(1, 0.1, torch::zeros({7}))), std::logic_error);
  sgd.begin_iteration(context(1, 0.1, theta));
}

TEST(Sgd, ErrorsSayWhoAndWhy) {
  Sgd sgd(sgd_options(), 2, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  sgd.begin_iteration(context(0, 0.1, theta));
  try {
    sgd.worker_step(3, torch::ones({6}), torch::Tensor());
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "sgd::worker_step: worker 3 is out of range [0, 2)");
  }
  try {
    sgd.server_step(theta);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "sgd::server_step: only 0 of 2 workers stepped in iteration 0");
  }
}

}  // namespace
}  // namespace sasgsim
