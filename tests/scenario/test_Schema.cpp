// The schema machinery on its own, with a toy section: one declaration per key gives the parse
// (types, ranges, keys that do not apply, required keys), the writer, the defaults and the
// hints; and the hint index over the real scenario schema.
#include <gtest/gtest.h>

#include "sim/scenario/HintIndex.h"
#include "sim/scenario/ScenarioSchema.h"
#include "sim/scenario/Schema.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::describe;
using test::has_issue;

struct Inner {
  double rate_bps = 1e6;
};

struct Toy {
  ScheduleKind mode = ScheduleKind::kSequential;
  int64_t count = 3;
  std::optional<double> limit;
  double delay_s = 0.0;
  Inner inner;
  std::map<int, Inner> per_worker;
};

const Section<Inner>& inner_section() {
  static const Section<Inner> s = [] {
    Section<Inner> i;
    i.rate("bandwidth", &Inner::rate_bps).alias("rate").meaning("A rate.");
    return i;
  }();
  return s;
}

const Section<Toy>& toy_section() {
  static const Section<Toy> s = [] {
    Section<Toy> t;
    t.choice("mode", &Toy::mode).meaning("Sequential or concurrent.");
    t.integer("count", &Toy::count, 1, 10).alias("n", "the paper's n").meaning("How many.");
    t.number("limit", &Toy::limit, NumberRange::positive())
        .when("mode", {"concurrent"})
        .required_when("mode", {"concurrent"})
        .example("2.5")
        .meaning("Only for concurrent.");
    t.time("delay", &Toy::delay_s).meaning("A delay.");
    t.object("inner", &Toy::inner, inner_section()).meaning("Nested.");
    t.worker_map("per_worker", &Toy::per_worker, inner_section(),
                 [](const Toy& toy) { return toy.inner; }, "{\"1\": {}}", "")
        .meaning("Per worker.");
    return t;
  }();
  return s;
}

std::vector<ScenarioIssue> parse_toy(const json& doc, Toy& out, std::optional<int64_t> workers = 4) {
  std::vector<ScenarioIssue> issues;
  ParseContext ctx{issues, nullptr, workers};
  toy_section().parse(doc, ".toy", {"toy", ""}, ctx, out);
  return issues;
}

TEST(Schema, DeclarationsParseAndWriteEveryKind) {
  Toy toy;
  const std::vector<ScenarioIssue> issues = parse_toy(json::parse(R"({
      "mode": "concurrent", "count": 7, "limit": 0.5, "delay": "2ms",
      "inner": {"bandwidth": "10Mbps"}, "per_worker": {"2": {}}})"), toy);
  ASSERT_TRUE(issues.empty()) << describe(issues);
  EXPECT_EQ(toy.mode, ScheduleKind::kConcurrent);
  EXPECT_EQ(toy.count, 7);
  EXPECT_EQ(toy.limit, 0.5);
  EXPECT_EQ(toy.delay_s, 2e-3);
  EXPECT_EQ(toy.inner.rate_bps, 1e7);
  ASSERT_EQ(toy.per_worker.count(2), 1u);
  EXPECT_EQ(toy.per_worker.at(2).rate_bps, 1e7);  // an entry starts from its initial value
  EXPECT_EQ(toy_section().write(toy), json::parse(R"({
      "mode": "concurrent", "count": 7, "limit": 0.5, "delay": "2ms",
      "inner": {"bandwidth": "10Mbps"}, "per_worker": {"2": {"bandwidth": "10Mbps"}}})"));
}

TEST(Schema, KeysThatDoNotApplyAreErrorsAndAreNotWritten) {
  Toy toy;
  const std::vector<ScenarioIssue> issues = parse_toy(json{{"limit", 1.0}}, toy);
  EXPECT_TRUE(has_issue(issues, ".toy.limit",
                        "\"limit\" applies only when \"mode\" is \"concurrent\", not \"sequential\"; "
                        "remove it or set \"mode\": \"concurrent\""))
      << describe(issues);
  EXPECT_EQ(issues.size(), 1u);
  Toy defaults;
  defaults.limit = 3.0;  // set, but its condition does not hold
  EXPECT_FALSE(toy_section().write(defaults).contains("limit"));
}

TEST(Schema, RequiredWhenItsConditionHolds) {
  Toy toy;
  const std::vector<ScenarioIssue> issues = parse_toy(json{{"mode", "concurrent"}}, toy);
  EXPECT_TRUE(has_issue(issues, ".toy.limit",
                        "missing required key: expected a number > 0, e.g. 2.5 (needed when "
                        "\"mode\" is \"concurrent\")"))
      << describe(issues);
  EXPECT_EQ(issues.size(), 1u);
}

TEST(Schema, AnInvalidSelectorLeavesItsKeysCheckedOnTheirOwn) {
  Toy toy;
  const std::vector<ScenarioIssue> issues =
      parse_toy(json{{"mode", "parallel"}, {"limit", -1}}, toy);
  EXPECT_TRUE(has_issue(issues, ".toy.mode", "got \"parallel\"")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".toy.limit", "expected a number > 0, got -1")) << describe(issues);
  EXPECT_EQ(issues.size(), 2u) << describe(issues);
}

TEST(Schema, RangesTypesAliasesAndWorkerKeys) {
  Toy toy;
  const std::vector<ScenarioIssue> issues = parse_toy(json::parse(R"({
      "count": 11, "delay": 5, "n": 2, "inner": {"rate": "1Mbps"},
      "per_worker": {"4": {}, "01": {}}})"), toy);
  EXPECT_TRUE(has_issue(issues, ".toy.count", "expected an integer in 1..10, got 11"));
  EXPECT_TRUE(has_issue(issues, ".toy.delay", "expected a time like \"0.1ms\" or \"5us\", got 5 (a number)"));
  EXPECT_TRUE(has_issue(issues, ".toy.n", "unknown key \"n\"; did you mean \"count\" (the paper's n)?"));
  EXPECT_TRUE(has_issue(issues, ".toy.inner.rate", "did you mean \"bandwidth\"?"));
  EXPECT_TRUE(has_issue(issues, ".toy.per_worker.4", "worker 4 does not exist: workers is 4"));
  EXPECT_TRUE(has_issue(issues, ".toy.per_worker.01", "expected a worker index"));
  EXPECT_EQ(issues.size(), 6u) << describe(issues);
}

TEST(Schema, DefaultValuesComeFromTheStructsInitializers) {
  const json d = toy_section().default_values();
  EXPECT_EQ(d["mode"], "sequential");
  EXPECT_EQ(d["count"], 3);
  EXPECT_TRUE(d["limit"].is_null());
  EXPECT_EQ(d["delay"], "0s");
  EXPECT_EQ(d["inner"], json::parse(R"({"bandwidth": "1Mbps"})"));
}

// The advice for a key in the wrong place comes from where the schema declares it.
TEST(HintIndex, AdviceComesFromWhereTheKeyIsDeclared) {
  const HintIndex* index = &scenario_hints();
  auto hints = [&](const SectionInfo& section, const SchemaPlace& place) {
    return section_hints(section, section.hints(), place, index);
  };
  const auto root = hints(scenario_section(), {"", ""});
  EXPECT_EQ(root.at("batch_size"), "did you mean \"data.batch_size\"?");
  EXPECT_EQ(root.at("alpha"), "did you mean \"train.lr\" (the paper's alpha)?");
  EXPECT_EQ(root.at("M"), "did you mean \"workers\" (the paper's M)?");
  EXPECT_NE(root.at("density").find("it is set per algorithm"), std::string::npos);
  EXPECT_EQ(root.count("workers"), 0u);  // a key of this section is not a hint
  const auto network = hints(network_section(), {"network", ""});
  EXPECT_EQ(network.at("segment_size"), "did you mean \"transport.segment_size\"?");
  EXPECT_EQ(network.at("mss"), "did you mean \"transport.segment_size\" (the TCP MSS)?");
  const auto data = hints(data_section(), {"data", ""});
  EXPECT_EQ(data.at("workers"), "\"workers\" is a top-level key, not part of \"data\"");
  EXPECT_EQ(data.at("M"), "did you mean the top-level key \"workers\" (the paper's M)?");
}

TEST(HintIndex, KeysOfOtherAlgorithmsSayWhichOnesHaveThem) {
  const AlgorithmType* sgd = find_algorithm_type("sgd");
  const auto hints = scenario_hints().hints_for(sgd->keys(), {"algorithms[]", "sgd"});
  EXPECT_EQ(hints.at("density"), "\"density\" applies only to sparse and sasg, not to sgd; remove it");
  EXPECT_EQ(hints.at("D"), "\"D\" applies only to lasg, sasg and composed, not to sgd; remove it");
  EXPECT_EQ(hints.at("h"), "\"h\" is \"density\" (the paper's h), which applies only to sparse and "
                           "sasg, not to sgd; remove it");
}

}  // namespace
}  // namespace sasgsim
