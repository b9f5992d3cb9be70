#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"
#include "algorithms/Lasg.h"
#include "algorithms/Sasg.h"
#include "algorithms/Sgd.h"
#include "algorithms/Sparse.h"

namespace sasgsim {
namespace {

const std::vector<TensorSlice> kSlices{{"a", 0, 4}, {"b", 4, 2}};

AlgorithmOptions options(AlgorithmKind kind) {
  AlgorithmOptions o;
  o.kind = kind;
  return o;
}

TEST(AlgorithmFactory, BuildsTheRequestedKind) {
  EXPECT_NE(dynamic_cast<Sgd*>(make_algorithm(options(AlgorithmKind::kSgd), 2, kSlices,
                                              torch::kCPU).get()), nullptr);
  EXPECT_NE(dynamic_cast<Sparse*>(make_algorithm(options(AlgorithmKind::kSparse), 2, kSlices,
                                                 torch::kCPU).get()), nullptr);
  EXPECT_NE(dynamic_cast<Lasg*>(make_algorithm(options(AlgorithmKind::kLasg), 2, kSlices,
                                               torch::kCPU).get()), nullptr);
  EXPECT_NE(dynamic_cast<Sasg*>(make_algorithm(options(AlgorithmKind::kSasg), 2, kSlices,
                                               torch::kCPU).get()), nullptr);
  EXPECT_THROW(make_algorithm(options(static_cast<AlgorithmKind>(42)), 2, kSlices, torch::kCPU),
               std::invalid_argument);
}

TEST(AlgorithmFactory, EveryKindRunsTheSameLoop) {
  // One dense iteration with lr = 1 from theta = 0: the update is the (compressed) gradient
  // sum, -(2, 2, ...) for dense kinds; Sparse and SASG keep 1% -> one entry per tensor.
  for (AlgorithmKind kind : {AlgorithmKind::kSgd, AlgorithmKind::kSparse, AlgorithmKind::kLasg,
                             AlgorithmKind::kSasg}) {
    auto algo = make_algorithm(options(kind), 2, kSlices, torch::kCPU);
    torch::Tensor theta = torch::zeros({6});
    IterationContext ctx;
    ctx.lr = 1.0;
    ctx.theta = theta;
    algo->begin_iteration(ctx);
    const torch::Tensor g = torch::arange(1, 7, torch::kFloat32);
    int64_t values = 0;
    for (int m = 0; m < 2; ++m) values += algo->worker_step(m, g, torch::Tensor()).values;
    algo->server_step(theta);
    const bool sparse = kind == AlgorithmKind::kSparse || kind == AlgorithmKind::kSasg;
    EXPECT_EQ(values, sparse ? 2 * 2 : 2 * 6) << static_cast<int>(kind);
    const torch::Tensor expected =
        sparse ? torch::tensor({0.f, 0.f, 0.f, -8.f, 0.f, -12.f}) : -2 * g;
    EXPECT_TRUE(torch::equal(theta, expected)) << static_cast<int>(kind) << theta;
  }
}

}  // namespace
}  // namespace sasgsim
