// Composed algorithm entries ({"rule": ..., "compressor": ..., "error_feedback": ...}): what they
// parse into, their errors with the JSON path, and the resolved form of the four shortcuts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "algorithms/ComposedOptions.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::base_scenario;
using test::describe;
using test::has_issue;
using test::issues_of;

Scenario with_algorithms(const json& algorithms) {
  json doc = base_scenario();
  doc["algorithms"] = algorithms;
  return parse_scenario(doc, "test.json");
}

const ComposedOptions& composed(const AlgorithmConfig& a) { return a.options_as<ComposedOptions>(); }

TEST(ComposedAlgorithms, AnEntryWithARuleNeedsNoName) {
  const Scenario s = with_algorithms(json::parse(R"([
    {"label": "lasg-qsgd", "rule": "lazy", "compressor": {"name": "qsgd", "levels": 16},
     "error_feedback": false, "D": 5},
    {"rule": "periodic", "period": 8, "compressor": "signsgd", "error_feedback": true},
    {"name": "composed", "rule": "always"}
  ])"));
  ASSERT_EQ(s.algorithms.size(), 3u);
  const ComposedOptions& a = composed(s.algorithms[0]);
  EXPECT_EQ(s.algorithms[0].label, "lasg-qsgd");
  EXPECT_EQ(a.rule, RuleKind::kLazy);
  EXPECT_EQ(a.compressor.kind, CompressorKind::kQsgd);
  EXPECT_EQ(a.compressor.levels, 16);
  EXPECT_EQ(a.lazy.max_delay, 5);
  EXPECT_FALSE(a.error_feedback);
  const ComposedOptions& b = composed(s.algorithms[1]);
  EXPECT_EQ(s.algorithms[1].label, "periodic-signsgd-ef");  // the default label
  EXPECT_EQ(b.period, 8);
  EXPECT_EQ(b.compressor.kind, CompressorKind::kSignSgd);
  EXPECT_TRUE(b.error_feedback);
  EXPECT_EQ(s.algorithms[2].label, "always-identity");
  EXPECT_EQ(composed(s.algorithms[2]).compressor.kind, CompressorKind::kIdentity);
}

TEST(ComposedAlgorithms, TraitsFollowTheRuleAndCompressor) {
  const Scenario s = with_algorithms(json::parse(R"([
    {"rule": "lazy", "compressor": "topk", "error_feedback": true},
    {"rule": "always", "compressor": "dgc"}
  ])"));
  const AlgorithmTraits lazy = s.algorithms[0].type->traits_of(s.algorithms[0]);
  EXPECT_TRUE(lazy.lazy);
  EXPECT_TRUE(lazy.compresses);
  EXPECT_TRUE(lazy.error_feedback);
  EXPECT_TRUE(lazy.stores_vectors);
  const AlgorithmTraits dgc = s.algorithms[1].type->traits_of(s.algorithms[1]);
  EXPECT_FALSE(dgc.lazy);
  EXPECT_TRUE(dgc.error_feedback);  // DGC's own accumulation
  EXPECT_NE(dgc.cost.find("dgc"), std::string::npos);
}

TEST(ComposedAlgorithms, ResolvedFormRoundTrips) {
  const Scenario s = with_algorithms(json::parse(R"([
    {"rule": "lazy", "compressor": {"name": "topk", "density": 0.05, "scope": "global"},
     "error_feedback": true, "kappa": 2},
    {"rule": "always", "compressor": {"name": "powersgd", "rank": 4}, "error_feedback": true}
  ])"));
  const json written = s.algorithms[0].type->write(s.algorithms[0]);
  EXPECT_EQ(written.at("compressor"),
            json::parse(R"({"name": "topk", "density": 0.05, "scope": "global"})"));
  EXPECT_EQ(written.at("kappa"), 2.0);
  EXPECT_FALSE(written.contains("period"));  // applies to the periodic rule only
  const json power = s.algorithms[1].type->write(s.algorithms[1]);
  EXPECT_EQ(power.at("compressor"),
            json::parse(R"({"name": "powersgd", "rank": 4, "warm_start": true})"));
  EXPECT_FALSE(power.contains("D"));
  const Scenario again = with_algorithms(json::array({written, power}));
  EXPECT_EQ(again.algorithms[0].type->write(again.algorithms[0]), written);
  EXPECT_EQ(again.algorithms[1].type->write(again.algorithms[1]), power);
}

TEST(ComposedAlgorithms, ShortcutsHaveTheComposedFormsOfThePaper) {
  SparseOptions sparse;
  sparse.topk.density = 0.05;
  sparse.topk.scope = TopkScope::kGlobal;
  const ComposedOptions s = composed_form(sparse);
  EXPECT_EQ(s.rule, RuleKind::kAlways);
  EXPECT_EQ(s.compressor.kind, CompressorKind::kTopK);
  EXPECT_EQ(s.compressor.density, 0.05);
  EXPECT_EQ(s.compressor.scope, TopkScope::kGlobal);
  EXPECT_TRUE(s.error_feedback);
  SasgOptions sasg;
  sasg.rule.max_delay = 3;
  sasg.rule.kappa = 2.0;
  const ComposedOptions z = composed_form(sasg);
  EXPECT_EQ(z.rule, RuleKind::kLazy);
  EXPECT_EQ(z.lazy.max_delay, 3);
  EXPECT_EQ(z.lazy.kappa, 2.0);
  EXPECT_TRUE(z.error_feedback);
  EXPECT_EQ(z.compressor.kind, CompressorKind::kTopK);
  const ComposedOptions l = composed_form(LasgOptions{});
  EXPECT_EQ(l.rule, RuleKind::kLazy);
  EXPECT_EQ(l.compressor.kind, CompressorKind::kIdentity);
  EXPECT_FALSE(l.error_feedback);
  const ComposedOptions g = composed_form(SgdOptions{});
  EXPECT_EQ(g.rule, RuleKind::kAlways);
  EXPECT_EQ(g.compressor.kind, CompressorKind::kIdentity);
  EXPECT_FALSE(g.error_feedback);
}

struct BadEntry {
  std::string entry;  // one element of "algorithms"
  std::string path;
  std::string part;
};

TEST(ComposedAlgorithms, MeaninglessOrUnknownCombinationsAreErrorsWithTheirPath) {
  const std::vector<BadEntry> cases = {
      {R"({"rule": "sometimes"})", ".algorithms[0].rule",
       "expected one of \"always\", \"lazy\", \"periodic\", got \"sometimes\""},
      {R"({"rule": "always", "compressor": "zip"})", ".algorithms[0].compressor.name",
       "got \"zip\""},
      {R"({"rule": "always", "compressor": 3})", ".algorithms[0].compressor",
       "expected a compressor name"},
      {R"({"rule": "always", "error_feedback": true})", ".algorithms[0].error_feedback",
       "identity compressor drops nothing"},
      {R"({"rule": "lazy", "compressor": "dgc", "error_feedback": true})",
       ".algorithms[0].error_feedback", "dgc keeps its own residual"},
      {R"({"rule": "always", "period": 4})", ".algorithms[0].period", "periodic"},
      {R"({"rule": "periodic", "D": 4})", ".algorithms[0].D", "lazy"},
      {R"({"rule": "always", "compressor": {"name": "qsgd", "density": 0.1}})",
       ".algorithms[0].compressor.density", "topk"},
      {R"({"rule": "always", "compressor": {"name": "topk", "levels": 4}})",
       ".algorithms[0].compressor.levels", "qsgd"},
      {R"({"rule": "always", "compressor": {"name": "qsgd", "levels": 0}})",
       ".algorithms[0].compressor.levels", "got 0"},
      {R"({"rule": "always", "compressor": {"name": "powersgd", "rank": 0}})",
       ".algorithms[0].compressor.rank", "got 0"},
      {R"({"rule": "always", "compressor": {"name": "dgc", "momentum": 1}})",
       ".algorithms[0].compressor.momentum", "got 1"},
      {R"({"rule": "always", "compressor": {"name": "threshold", "threshold": 0}})",
       ".algorithms[0].compressor.threshold", "got 0"},
      {R"({"rule": "periodic", "period": 0})", ".algorithms[0].period", "got 0"},
      {R"({"rule": "always", "compressor": {"levels": 4}})", ".algorithms[0].compressor.name",
       "missing required key"},
      {R"({"name": "sasg", "rule": "lazy"})", ".algorithms[0].rule", "unknown key"},
  };
  for (const BadEntry& c : cases) {
    json doc = base_scenario();
    doc["algorithms"] = json::array({json::parse(c.entry)});
    const std::vector<ScenarioIssue> issues = issues_of(doc);
    EXPECT_TRUE(has_issue(issues, c.path, c.part))
        << c.entry << "\n wanted " << c.path << ": ..." << c.part << "...\n got:\n" << describe(issues);
  }
}

TEST(ComposedAlgorithms, TwoComposedEntriesWithTheSameDefaultLabelClash) {
  json doc = base_scenario();
  doc["algorithms"] = json::parse(R"([{"rule": "always", "compressor": "fp16"},
                                      {"rule": "always", "compressor": "fp16"}])");
  EXPECT_TRUE(has_issue(issues_of(doc), ".algorithms[1]", "duplicate label \"always-fp16\""));
}

TEST(ComposedAlgorithms, ThePeriodicRuleWithTheDownlinkIsRefusedWithItsEntry) {
  json doc = base_scenario();
  doc["algorithms"] = json::parse(R"(["sgd", {"rule": "periodic", "period": 4}])");
  doc["network"]["downlink"] = true;
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".algorithms[1]", "network.downlink"));
  EXPECT_EQ(issues.size(), 1u) << "sgd takes no local steps:\n" << describe(issues);
  doc["network"]["downlink"] = false;
  EXPECT_TRUE(issues_of(doc).empty()) << describe(issues_of(doc));
}

}  // namespace
}  // namespace sasgsim
