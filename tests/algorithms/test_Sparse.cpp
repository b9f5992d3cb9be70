#include "algorithms/Sparse.h"

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

SparseOptions sparse_options() {
  SparseOptions o;
  o.topk.density = 0.5;
  return o;
}

TEST(Sparse, ErrorFeedbackBookkeepingOverThreeIterations) {
  Sparse sparse(sparse_options(), 2, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  const torch::Tensor none;

  // t = 0, lr = 0.5, e = 0.
  // Worker 0: p = 0.5 * (2, -6, 4, 2, 8, 2) = (1, -3, 2, 1, 4, 1); a keeps entries 1, 2 (3, 2),
  //   b keeps entry 4: Delta_0 = {1: -3, 2: 2, 4: 4}, e_0 = (1, 0, 0, 1, 0, 1).
  // Worker 1: p = 0.5 * (0, 2, 0, -8, 2, -6) = (0, 1, 0, -4, 1, -3); a keeps 3, 1; b keeps 5:
  //   Delta_1 = {1: 1, 3: -4, 5: -3}, e_1 = (0, 0, 0, 0, 1, 0).
  // theta^1 = -(Delta_0 + Delta_1) = -(0, -2, 2, -4, 4, -3).
  sparse.begin_iteration(context(0, 0.5, theta));
  const WorkerOutcome w0 = sparse.worker_step(0, vec({2, -6, 4, 2, 8, 2}), none);
  EXPECT_TRUE(same(sorted(sparse.last_indices()), ivec({1, 2, 4})));
  EXPECT_TRUE(same(sparse.error(0), vec({1, 0, 0, 1, 0, 1})));
  const WorkerOutcome w1 = sparse.worker_step(1, vec({0, 2, 0, -8, 2, -6}), none);
  EXPECT_TRUE(same(sorted(sparse.last_indices()), ivec({1, 3, 5})));
  EXPECT_TRUE(same(sparse.error(1), vec({0, 0, 0, 0, 1, 0})));
  sparse.server_step(theta);
  EXPECT_TRUE(same(theta, vec({0, 2, -2, 4, -4, 3})));
  for (const WorkerOutcome& w : {w0, w1}) {
    EXPECT_TRUE(w.uploaded);
    EXPECT_EQ(w.values, 3);
    EXPECT_EQ(w.payload_bytes, 16 + (4 + 4) * 3);
  }

  // t = 1, lr = 0.5.
  // Worker 0: p = 0.5 * (2, 0, 0, 0, 0, 0) + e_0 = (2, 0, 0, 1, 0, 1): keeps 0, 3 and 5, which
  //   flushes the whole error: e_0 = 0.
  // Worker 1: p = 0 + e_1 = (0, 0, 0, 0, 1, 0): a's two entries are zeros (whichever are
  //   picked, they add nothing), b keeps entry 4: e_1 = 0. Still k = 3 values are sent.
  // theta^2 = theta^1 - (2, 0, 0, 1, 1, 1) = (-2, 2, -2, 3, -5, 2).
  sparse.begin_iteration(context(1, 0.5, theta));
  sparse.worker_step(0, vec({2, 0, 0, 0, 0, 0}), none);
  EXPECT_TRUE(same(sparse.error(0), torch::zeros({6})));
  const WorkerOutcome zero_upload = sparse.worker_step(1, torch::zeros({6}), none);
  EXPECT_EQ(zero_upload.values, 3);
  EXPECT_TRUE(same(sparse.error(1), torch::zeros({6})));
  sparse.server_step(theta);
  EXPECT_TRUE(same(theta, vec({-2, 2, -2, 3, -5, 2})));

  // t = 2, lr = 0.25 (the new lr scales only the fresh gradient).
  // Worker 0: p = 0.25 * (4, 8, -12, 0, 0, 4) = (1, 2, -3, 0, 0, 1): keeps 2, 1 and 5,
  //   e_0 = (1, 0, 0, 0, 0, 0). Worker 1: p = 0 sends zeros.
  // theta^3 = theta^2 - (0, 2, -3, 0, 0, 1) = (-2, 0, 1, 3, -5, 1).
  sparse.begin_iteration(context(2, 0.25, theta));
  sparse.worker_step(0, vec({4, 8, -12, 0, 0, 4}), none);
  sparse.worker_step(1, torch::zeros({6}), none);
  sparse.server_step(theta);
  EXPECT_TRUE(same(sparse.error(0), vec({1, 0, 0, 0, 0, 0})));
  EXPECT_TRUE(same(theta, vec({-2, 0, 1, 3, -5, 1})));
  EXPECT_EQ(sparse.server_memory().total_bytes(), 0);
  EXPECT_EQ(sparse.auxiliary_point(1), nullptr);
}

TEST(Sparse, GlobalScopeCompressesTheWholeVector) {
  SparseOptions o = sparse_options();
  o.topk.scope = TopkScope::kGlobal;
  o.topk.density = 0.34;  // floor(0.34 * 6) = 2
  Sparse sparse(o, 1, kSlices, torch::kCPU);
  torch::Tensor theta = torch::zeros({6});
  // p = (1, -3, 2, 1, 4, 1): the two largest overall are 4 (entry 4) and -3 (entry 1);
  // per tensor would have kept entry 2 as well.
  sparse.begin_iteration(context(0, 1.0, theta));
  const WorkerOutcome w = sparse.worker_step(0, vec({1, -3, 2, 1, 4, 1}), torch::Tensor());
  sparse.server_step(theta);
  EXPECT_EQ(w.values, 2);
  EXPECT_EQ(w.payload_bytes, 16 + 8 * 2);
  EXPECT_TRUE(same(theta, vec({0, 3, 0, 0, -4, 0})));
  EXPECT_TRUE(same(sparse.error(0), vec({1, 0, 2, 1, 0, 1})));
}

}  // namespace
}  // namespace sasgsim
