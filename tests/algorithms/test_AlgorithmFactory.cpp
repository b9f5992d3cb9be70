// make_algorithm builds the algorithm a scenario entry names, through the catalog, and every
// algorithm of the catalog runs the same loop.
#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"
#include "algorithms/Catalog.h"
#include "algorithms/Lasg.h"
#include "algorithms/Sasg.h"
#include "algorithms/Sgd.h"
#include "algorithms/Sparse.h"
#include "algorithms/rules/AlwaysSend.h"

namespace sasgsim {
namespace {

const std::vector<TensorSlice> kSlices{{"a", 0, 4}, {"b", 4, 2}};
const AlgorithmSetup kSetup{2, kSlices, torch::kCPU};

// The entry a scenario with just the algorithm's name gives: its default options.
AlgorithmConfig config(const std::string& name) {
  const AlgorithmType* type = find_algorithm_type(name);
  EXPECT_NE(type, nullptr) << name;
  std::vector<ScenarioIssue> issues;
  ParseContext ctx{issues, nullptr, std::nullopt};
  AlgorithmConfig c;
  nlohmann::json entry{{"name", name}};
  if (name == "composed") entry["rule"] = "always";
  EXPECT_TRUE(type->parse(entry, ".algorithms[0]", ctx, c)) << name;
  return c;
}

TEST(AlgorithmFactory, BuildsTheNamedAlgorithm) {
  EXPECT_NE(dynamic_cast<Sgd*>(make_algorithm(config("sgd"), kSetup).get()), nullptr);
  EXPECT_NE(dynamic_cast<Sparse*>(make_algorithm(config("sparse"), kSetup).get()), nullptr);
  EXPECT_NE(dynamic_cast<Lasg*>(make_algorithm(config("lasg"), kSetup).get()), nullptr);
  EXPECT_NE(dynamic_cast<Sasg*>(make_algorithm(config("sasg"), kSetup).get()), nullptr);
  EXPECT_NE(dynamic_cast<AlwaysSend*>(make_algorithm(config("composed"), kSetup).get()), nullptr);
  AlgorithmConfig unknown = config("sgd");
  unknown.options = 42;  // options of no algorithm
  EXPECT_THROW(make_algorithm(unknown, kSetup), std::invalid_argument);
}

TEST(AlgorithmFactory, TheCatalogListsThePapersFourThenComposed) {
  std::vector<std::string> names;
  for (const AlgorithmType* type : algorithm_catalog()) names.emplace_back(type->name());
  EXPECT_EQ(names, (std::vector<std::string>{"sgd", "sparse", "lasg", "sasg", "composed"}));
  EXPECT_TRUE(find_algorithm_type("sasg")->traits().lazy);
  EXPECT_TRUE(find_algorithm_type("sasg")->traits().compresses);
  EXPECT_FALSE(find_algorithm_type("lasg")->traits().compresses);
  EXPECT_FALSE(find_algorithm_type("sparse")->traits().lazy);
  EXPECT_EQ(find_algorithm_type("adam"), nullptr);
}

TEST(AlgorithmFactory, EveryAlgorithmRunsTheSameLoop) {
  // One dense iteration with lr = 1 from theta = 0: the update is the (compressed) gradient
  // sum, -(2, 2, ...) for dense algorithms; Sparse and SASG keep 1% -> one entry per tensor.
  // ("composed" alone is always + identity, SGD.)
  for (const AlgorithmType* type : algorithm_catalog()) {
    auto algo = make_algorithm(config(type->name()), kSetup);
    torch::Tensor theta = torch::zeros({6});
    IterationContext ctx;
    ctx.lr = 1.0;
    ctx.theta = theta;
    algo->begin_iteration(ctx);
    const torch::Tensor g = torch::arange(1, 7, torch::kFloat32);
    int64_t values = 0;
    double compressions = 0;
    for (int m = 0; m < 2; ++m) {
      EXPECT_EQ(algo->auxiliary_point(m), nullptr) << type->name();  // warm-up
      const WorkerOutcome out = algo->worker_step(m, g, torch::Tensor());
      values += out.values;
      compressions += out.compression_cost;
    }
    algo->server_step(theta);
    const bool sparse = type->traits().compresses;
    EXPECT_EQ(values, sparse ? 2 * 2 : 2 * 6) << type->name();
    EXPECT_EQ(compressions, sparse ? 2 : 0) << type->name();
    const torch::Tensor expected =
        sparse ? torch::tensor({0.f, 0.f, 0.f, -8.f, 0.f, -12.f}) : -2 * g;
    EXPECT_TRUE(torch::equal(theta, expected)) << type->name() << theta;
    EXPECT_EQ(algo->server_memory().total_bytes() > 0, type->traits().stores_vectors)
        << type->name();
  }
}

}  // namespace
}  // namespace sasgsim
