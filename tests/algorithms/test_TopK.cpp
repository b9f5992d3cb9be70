#include "algorithms/TopK.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/FlatParameters.h"
#include "models/Model.h"
#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::ivec;
using test::same;
using test::sorted;
using test::vec;

// n = 6 in two tensors: "a" = entries 0..3, "b" = entries 4..5.
const std::vector<TensorSlice> kSlices{{"a", 0, 4}, {"b", 4, 2}};

struct Selection {
  torch::Tensor indices;
  torch::Tensor values;
};

Selection run(TopK& topk, const torch::Tensor& p) {
  Selection s{torch::empty({topk.kept()}, torch::kInt64), torch::empty({topk.kept()})};
  topk.select(p, s.indices, s.values);
  return s;
}

TEST(TopK, KeptCountIsFloorOfDensityTimesSizeButAtLeastOne) {
  EXPECT_EQ(TopK::kept_count(0.01, 401408), 4014);  // 4014.08
  EXPECT_EQ(TopK::kept_count(0.01, 512), 5);        // 5.12
  EXPECT_EQ(TopK::kept_count(0.01, 5120), 51);      // 51.2
  EXPECT_EQ(TopK::kept_count(0.01, 10), 1);         // 0.1 -> 0 -> at least 1
  EXPECT_EQ(TopK::kept_count(0.5, 4), 2);
  EXPECT_EQ(TopK::kept_count(1.0, 7), 7);
  // The double product truncated, as Python's int(h * n): 0.29 * 100 = 28.999999999999996.
  EXPECT_EQ(TopK::kept_count(0.29, 100), 28);
}

TEST(TopK, PerTensorKeepsTheLargestMagnitudesOfEachSlice) {
  TopK topk(kSlices, 0.5, TopkScope::kPerTensor, torch::kCPU);
  // k_a = floor(0.5 * 4) = 2, k_b = floor(0.5 * 2) = 1.
  EXPECT_EQ(topk.kept(), 3);
  EXPECT_EQ(topk.numel(), 6);
  const torch::Tensor p = vec({0.5f, -3.f, 1.f, 2.f, -4.f, 2.5f});
  const torch::Tensor before = p.clone();
  const Selection s = run(topk, p);
  // |p| in a = 0.5, 3, 1, 2 -> entries 1 and 3; in b = 4, 2.5 -> entry 4.
  // Indices come grouped by slice: the first two belong to a, the last to b.
  EXPECT_TRUE(same(sorted(s.indices.narrow(0, 0, 2)), ivec({1, 3})));
  EXPECT_TRUE(same(s.indices.narrow(0, 2, 1), ivec({4})));
  EXPECT_TRUE(same(s.values, p.index_select(0, s.indices)));
  EXPECT_TRUE(same(p, before)) << "select must not modify p";
}

TEST(TopK, GlobalScopeSelectsOverTheFlattenedVector) {
  TopK topk(kSlices, 0.5, TopkScope::kGlobal, torch::kCPU);
  EXPECT_EQ(topk.kept(), 3);  // floor(0.5 * 6)
  const Selection s = run(topk, vec({0.5f, -3.f, 1.f, 2.f, -4.f, 2.5f}));
  // |p| = 0.5, 3, 1, 2, 4, 2.5: the three largest are entries 4, 1, 5 (entry 3 loses to 5,
  // which per-tensor selection kept above because b may only keep one).
  EXPECT_TRUE(same(sorted(s.indices), ivec({1, 4, 5})));
  EXPECT_TRUE(same(sorted(s.values), vec({-4.f, -3.f, 2.5f})));
}

TEST(TopK, SmallDensityStillKeepsOnePerTensor) {
  TopK per_tensor(kSlices, 0.1, TopkScope::kPerTensor, torch::kCPU);
  TopK global(kSlices, 0.1, TopkScope::kGlobal, torch::kCPU);
  EXPECT_EQ(per_tensor.kept(), 2);  // max(1, floor(0.4)) + max(1, floor(0.2))
  EXPECT_EQ(global.kept(), 1);      // max(1, floor(0.6))
  const torch::Tensor p = vec({0.5f, -3.f, 1.f, 2.f, -4.f, 2.5f});
  EXPECT_TRUE(same(run(per_tensor, p).indices, ivec({1, 4})));
  const Selection g = run(global, p);
  EXPECT_TRUE(same(g.indices, ivec({4})));
  EXPECT_TRUE(same(g.values, vec({-4.f})));
}

TEST(TopK, TiesAreResolvedDeterministically) {
  TopK topk(kSlices, 0.5, TopkScope::kPerTensor, torch::kCPU);
  const torch::Tensor p = vec({1.f, -1.f, 1.f, -1.f, 0.f, 0.f});
  const Selection first = run(topk, p);
  for (int i = 0; i < 5; ++i) {
    const Selection again = run(topk, p);
    EXPECT_TRUE(same(again.indices, first.indices));
  }
  const torch::Tensor a = sorted(first.indices.narrow(0, 0, 2));
  EXPECT_NE(a[0].item<int64_t>(), a[1].item<int64_t>());
  EXPECT_LT(a[1].item<int64_t>(), 4);
  EXPECT_GE(first.indices[2].item<int64_t>(), 4);
}

TEST(TopK, WritesIntoRowsOfLargerBuffers) {
  TopK topk(kSlices, 0.5, TopkScope::kPerTensor, torch::kCPU);
  torch::Tensor indices = torch::full({2, 3}, -1, torch::kInt64);
  torch::Tensor values = torch::zeros({2, 3});
  topk.select(vec({0.5f, -3.f, 1.f, 2.f, -4.f, 2.5f}), indices[1], values[1]);
  EXPECT_TRUE(same(indices[0], ivec({-1, -1, -1})));
  EXPECT_TRUE(same(sorted(indices[1]), ivec({1, 3, 4})));
  EXPECT_TRUE(same(sorted(values[1]), vec({-4.f, -3.f, 2.f})));
}

TEST(TopK, KeepsThePapersCountsForTheRealModels) {
  const auto fc = make_model(ModelKind::kFc512, {1, 28, 28}, 10);
  const FlatParameters fc_flat(*fc);
  std::vector<int64_t> numels;
  for (const TensorSlice& s : fc_flat.slices()) numels.push_back(s.numel);
  EXPECT_EQ(numels, (std::vector<int64_t>{401408, 512, 5120, 10}));
  EXPECT_EQ(TopK(fc_flat.slices(), 0.01, TopkScope::kPerTensor, torch::kCPU).kept(), 4071);
  EXPECT_EQ(TopK(fc_flat.slices(), 0.01, TopkScope::kGlobal, torch::kCPU).kept(), 4070);

  const auto resnet = make_model(ModelKind::kResnet18, {3, 32, 32}, 10);
  const FlatParameters resnet_flat(*resnet);
  EXPECT_EQ(resnet_flat.numel(), 11173962);
  EXPECT_EQ(TopK(resnet_flat.slices(), 0.01, TopkScope::kPerTensor, torch::kCPU).kept(), 111723);
  EXPECT_EQ(TopK(resnet_flat.slices(), 0.01, TopkScope::kGlobal, torch::kCPU).kept(), 111739);
}

TEST(TopK, SelectsTheSameSetAsASortOnRandomData) {
  torch::manual_seed(11);
  const std::vector<TensorSlice> slices{{"w", 0, 1000}, {"b", 1000, 37}};
  TopK topk(slices, 0.05, TopkScope::kPerTensor, torch::kCPU);
  ASSERT_EQ(topk.kept(), 50 + 1);
  const torch::Tensor p = torch::randn({1037});
  const Selection s = run(topk, p);
  const torch::Tensor by_sort_w = std::get<1>(p.narrow(0, 0, 1000).abs().sort(0, true)).narrow(0, 0, 50);
  const torch::Tensor by_sort_b = std::get<1>(p.narrow(0, 1000, 37).abs().sort(0, true)).narrow(0, 0, 1) + 1000;
  EXPECT_TRUE(same(sorted(s.indices.narrow(0, 0, 50)), sorted(by_sort_w)));
  EXPECT_TRUE(same(s.indices.narrow(0, 50, 1), by_sort_b));
}

// The one-pass error feedback on the CPU equals e += message; select(e); zero the kept
// positions, bit for bit, in both scopes (a large slice takes the sampled path).
TEST(TopK, FeedbackInOnePassEqualsAddSelectAndZero) {
  torch::manual_seed(12);
  const std::vector<TensorSlice> slices{{"w", 0, 200000}, {"b", 200000, 513}};
  for (TopkScope scope : {TopkScope::kPerTensor, TopkScope::kGlobal}) {
    TopK fused(slices, 0.01, scope, torch::kCPU);
    TopK plain(slices, 0.01, scope, torch::kCPU);
    const torch::Tensor message = 0.01 * torch::randn({200513});
    torch::Tensor e = torch::randn({200513});
    torch::Tensor expected = e.clone().add_(message);
    const Selection s = run(plain, expected);
    expected.index_fill_(0, s.indices, 0.0f);
    Selection f{torch::empty({fused.kept()}, torch::kInt64), torch::empty({fused.kept()})};
    fused.select_with_feedback(e, message, f.indices, f.values);
    EXPECT_TRUE(same(f.indices, s.indices));
    EXPECT_TRUE(same(f.values, s.values));
    EXPECT_TRUE(same(e, expected));
  }
}

TEST(TopK, RejectsBadOptionsAndBuffers) {
  EXPECT_THROW(TopK(kSlices, 0.0, TopkScope::kPerTensor, torch::kCPU), std::invalid_argument);
  EXPECT_THROW(TopK(kSlices, 1.5, TopkScope::kPerTensor, torch::kCPU), std::invalid_argument);
  EXPECT_THROW(TopK({{"a", 0, 4}, {"b", 5, 2}}, 0.5, TopkScope::kPerTensor, torch::kCPU),
               std::invalid_argument);
  EXPECT_THROW(TopK({}, 0.5, TopkScope::kPerTensor, torch::kCPU), std::invalid_argument);
  TopK topk(kSlices, 0.5, TopkScope::kPerTensor, torch::kCPU);
  const torch::Tensor p = torch::zeros({6});
  EXPECT_THROW(topk.select(p, torch::empty({2}, torch::kInt64), torch::empty({3})),
               std::logic_error);
  EXPECT_THROW(topk.select(p, torch::empty({3}, torch::kInt32), torch::empty({3})),
               std::logic_error);
  EXPECT_THROW(topk.select(torch::zeros({5}), torch::empty({3}, torch::kInt64), torch::empty({3})),
               std::logic_error);
  EXPECT_THROW(topk.select(torch::zeros({6}, torch::kFloat64), torch::empty({3}, torch::kInt64),
                           torch::empty({3})),
               std::logic_error);
}

}  // namespace
}  // namespace sasgsim
