// Composed algorithms (rule x compressor x error feedback) on a noisy quadratic problem: the four
// shortcuts give bit for bit what their composed forms give, the periodic rule with H = 1 is the
// always rule, and every rule runs with every compressor.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"
#include "algorithms/ComposedOptions.h"
#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;
using test::same;

constexpr int kWorkers = 3;
constexpr int64_t kN = 36;
const std::vector<TensorSlice> kSlices{{"w", 0, 24, {4, 6}}, {"b", 24, 12, {12}}};

// Worker m's gradient of 0.5 ||A_m x - y_m||^2 plus noise that depends on (t, m) only, so g_new
// and g_old share their minibatch.
struct Problem {
  std::vector<torch::Tensor> a, y;
  Problem() {
    torch::manual_seed(11);
    for (int m = 0; m < kWorkers; ++m) {
      a.push_back(torch::randn({kN, kN}) / std::sqrt(static_cast<double>(kN)));
      y.push_back(torch::randn({kN}));
    }
  }
  torch::Tensor gradient(int m, const torch::Tensor& x, int64_t t) const {
    torch::manual_seed(1000 + 31 * t + m);
    const torch::Tensor& am = a[static_cast<size_t>(m)];
    return am.t().mv(am.mv(x) - y[static_cast<size_t>(m)]) + 0.3 * torch::randn({kN});
  }
};

struct Trace {
  std::vector<torch::Tensor> thetas;        // after each iteration
  std::vector<WorkerOutcome> outcomes;      // iteration by iteration, worker by worker
};

// Runs `iterations` iterations the way the Trainer calls an algorithm.
Trace run(Algorithm& algorithm, int64_t iterations) {
  const Problem problem;
  Trace trace;
  torch::Tensor theta = torch::linspace(-1.0, 1.0, kN);
  for (int64_t t = 0; t < iterations; ++t) {
    const double lr = t < iterations / 2 ? 0.05 : 0.03;
    algorithm.begin_iteration(context(t, lr, theta, lr));
    for (int m = 0; m < kWorkers; ++m) {
      const torch::Tensor* local = algorithm.gradient_point(m);
      const torch::Tensor g_new = problem.gradient(m, local ? *local : theta, t);
      const torch::Tensor* aux = algorithm.auxiliary_point(m);
      const torch::Tensor g_old = aux ? problem.gradient(m, *aux, t) : torch::Tensor();
      algorithm.stage_worker(m, g_new, g_old);
    }
    const std::vector<WorkerOutcome>& outcomes = algorithm.decide_workers();
    trace.outcomes.insert(trace.outcomes.end(), outcomes.begin(), outcomes.end());
    algorithm.server_step(theta);
    trace.thetas.push_back(theta.clone());
  }
  return trace;
}

void expect_same_trace(const Trace& a, const Trace& b, const std::string& what) {
  ASSERT_EQ(a.thetas.size(), b.thetas.size()) << what;
  for (size_t t = 0; t < a.thetas.size(); ++t) {
    ASSERT_TRUE(same(a.thetas[t], b.thetas[t])) << what << " at iteration " << t;
  }
  for (size_t i = 0; i < a.outcomes.size(); ++i) {
    const WorkerOutcome& x = a.outcomes[i];
    const WorkerOutcome& y = b.outcomes[i];
    EXPECT_EQ(x.uploaded, y.uploaded) << what << " outcome " << i;
    EXPECT_EQ(x.forced, y.forced) << what << " outcome " << i;
    EXPECT_EQ(x.values, y.values) << what << " outcome " << i;
    EXPECT_EQ(x.payload_bytes, y.payload_bytes) << what << " outcome " << i;
    EXPECT_EQ(x.compression_cost, y.compression_cost) << what << " outcome " << i;
    EXPECT_EQ(x.lhs, y.lhs) << what << " outcome " << i;
  }
}

template <typename Options>
void expect_shortcut_equals_composed(const Options& options, const char* name) {
  const AlgorithmSetup setup{kWorkers, kSlices, torch::kCPU, 7};
  const std::unique_ptr<Algorithm> shortcut = make_algorithm(options, setup);
  const std::unique_ptr<Algorithm> composed = make_algorithm(composed_form(options), setup);
  const Trace a = run(*shortcut, 30);
  const Trace b = run(*composed, 30);
  expect_same_trace(a, b, name);
  EXPECT_FALSE(same(a.thetas.front(), a.thetas.back()));  // it trained
}

TEST(Composed, TheFourShortcutsGiveTheirComposedFormsBitForBit) {
  expect_shortcut_equals_composed(SgdOptions{}, "sgd");
  SparseOptions sparse;
  sparse.topk.density = 0.2;
  expect_shortcut_equals_composed(sparse, "sparse");
  sparse.topk.scope = TopkScope::kGlobal;
  expect_shortcut_equals_composed(sparse, "sparse global");
  LasgOptions lasg;
  lasg.rule.max_delay = 3;
  expect_shortcut_equals_composed(lasg, "lasg");
  SasgOptions sasg;
  sasg.topk.density = 0.2;
  sasg.rule.max_delay = 3;
  sasg.rule.kappa = 0.5;
  expect_shortcut_equals_composed(sasg, "sasg");
}

TEST(Composed, TheLazyRuleSkipsWithACompressorToo) {
  ComposedOptions o;
  o.rule = RuleKind::kLazy;
  o.lazy.max_delay = 3;
  o.compressor.kind = CompressorKind::kQsgd;
  const std::unique_ptr<Algorithm> a = make_algorithm(o, {kWorkers, kSlices, torch::kCPU, 7});
  const Trace trace = run(*a, 40);
  int skips = 0;
  for (const WorkerOutcome& out : trace.outcomes) skips += out.uploaded ? 0 : 1;
  EXPECT_GT(skips, 0);
  EXPECT_LT(skips, static_cast<int>(trace.outcomes.size()));
}

TEST(Composed, PeriodicWithPeriodOneIsTheAlwaysRule) {
  for (CompressorKind kind : {CompressorKind::kIdentity, CompressorKind::kTopK}) {
    ComposedOptions always;
    always.compressor.kind = kind;
    always.compressor.density = 0.25;
    always.error_feedback = kind != CompressorKind::kIdentity;
    ComposedOptions periodic = always;
    periodic.rule = RuleKind::kPeriodic;
    periodic.period = 1;
    const AlgorithmSetup setup{kWorkers, kSlices, torch::kCPU, 7};
    const std::unique_ptr<Algorithm> a = make_algorithm(always, setup);
    const std::unique_ptr<Algorithm> p = make_algorithm(periodic, setup);
    expect_same_trace(run(*a, 12), run(*p, 12), to_string(kind));
  }
}

// Every rule with every compressor, with and without error feedback where it means something:
// it trains (theta moves and stays finite) and reports a real payload.
TEST(Composed, EveryRuleRunsWithEveryCompressor) {
  for (RuleKind rule : {RuleKind::kAlways, RuleKind::kLazy, RuleKind::kPeriodic}) {
    for (const auto& [kind, name] : EnumNames<CompressorKind>::kNames) {
      for (bool ef : {false, true}) {
        if (ef && (kind == CompressorKind::kIdentity || kind == CompressorKind::kDgc)) continue;
        ComposedOptions o;
        o.rule = rule;
        o.period = 3;
        o.lazy.max_delay = 3;
        o.compressor.kind = kind;
        o.compressor.density = 0.25;
        o.compressor.threshold = 0.01;
        o.compressor.rank = 2;
        o.error_feedback = ef;
        const std::string what = std::string(to_string(rule)) + " " + name + (ef ? " ef" : "");
        const std::unique_ptr<Algorithm> a = make_algorithm(o, {kWorkers, kSlices, torch::kCPU, 7});
        const Trace trace = run(*a, 9);
        EXPECT_TRUE(torch::isfinite(trace.thetas.back()).all().item<bool>()) << what;
        EXPECT_FALSE(same(trace.thetas.front(), trace.thetas.back())) << what;
        for (const WorkerOutcome& out : trace.outcomes) {
          if (!out.uploaded) continue;
          EXPECT_GE(out.payload_bytes, kUploadHeaderBytes) << what;
          // At most every entry with its position (a threshold that keeps them all).
          EXPECT_LE(out.payload_bytes, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * kN) << what;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sasgsim
