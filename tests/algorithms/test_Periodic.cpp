// The periodic rule (local SGD) on hand-worked numbers: local steps between uploads, the model
// change uploaded every H-th iteration, theta unchanged in between, a fresh start from theta.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/rules/Periodic.h"
#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;
using test::vec;

const std::vector<TensorSlice> kSlices{{"w", 0, 2}};

TEST(Periodic, LocalStepsThenTheModelChangeEveryPeriod) {
  Periodic p("periodic", 2, CompressorOptions{}, false, {2, kSlices, torch::kCPU, 0});
  torch::Tensor theta = vec({1.0f, 2.0f});
  // t = 0: both workers start at theta; worker 0 steps with g = (1, 0), worker 1 with (0, 2).
  p.begin_iteration(context(0, 0.5, theta));
  EXPECT_TRUE(same(*p.gradient_point(0), vec({1.0f, 2.0f})));
  EXPECT_FALSE(p.worker_step(0, vec({1.0f, 0.0f}), {}).uploaded);
  EXPECT_FALSE(p.worker_step(1, vec({0.0f, 2.0f}), {}).uploaded);
  p.server_step(theta);
  EXPECT_TRUE(same(theta, vec({1.0f, 2.0f})));  // no upload, no change
  EXPECT_TRUE(same(p.local_model(0), vec({0.5f, 2.0f})));
  EXPECT_TRUE(same(p.local_model(1), vec({1.0f, 1.0f})));
  // t = 1: the gradients are taken at the local models; then both upload their change.
  p.begin_iteration(context(1, 0.5, theta));
  EXPECT_TRUE(same(*p.gradient_point(1), vec({1.0f, 1.0f})));
  const WorkerOutcome a = p.worker_step(0, vec({1.0f, 0.0f}), {});
  const WorkerOutcome b = p.worker_step(1, vec({2.0f, 0.0f}), {});
  EXPECT_TRUE(a.uploaded && b.uploaded);
  EXPECT_EQ(a.payload_bytes, dense_payload_bytes(2));
  EXPECT_TRUE(same(p.change(0), vec({1.0f, 0.0f})));  // 0.5 (1, 0) + 0.5 (1, 0)
  EXPECT_TRUE(same(p.change(1), vec({1.0f, 1.0f})));  // 0.5 (0, 2) + 0.5 (2, 0)
  p.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-1.0f, 1.0f})));  // theta - (1, 0) - (1, 1)
  // t = 2: a new round starts from the new theta.
  p.begin_iteration(context(2, 0.5, theta));
  EXPECT_TRUE(same(p.local_model(0), vec({-1.0f, 1.0f})));
  EXPECT_TRUE(same(p.change(1), vec({0.0f, 0.0f})));
}

TEST(Periodic, ErrorFeedbackCarriesWhatTopKDropped) {
  CompressorOptions topk;
  topk.kind = CompressorKind::kTopK;
  topk.density = 0.5;
  Periodic p("periodic", 1, topk, true, {1, kSlices, torch::kCPU, 0});
  torch::Tensor theta = vec({0.0f, 0.0f});
  p.begin_iteration(context(0, 1.0, theta));
  EXPECT_EQ(p.worker_step(0, vec({3.0f, 1.0f}), {}).values, 1);
  p.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-3.0f, 0.0f})));
  EXPECT_TRUE(same(p.error(0), vec({0.0f, 1.0f})));
  p.begin_iteration(context(1, 1.0, theta));
  p.worker_step(0, vec({0.0f, 1.5f}), {});  // e + change = (0, 2.5): sends the second entry
  p.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-3.0f, -2.5f})));
  EXPECT_TRUE(same(p.error(0), vec({0.0f, 0.0f})));
}

TEST(Periodic, RejectsAPeriodBelowOne) {
  EXPECT_THROW(Periodic("periodic", 0, CompressorOptions{}, false, {1, kSlices, torch::kCPU, 0}),
               std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
