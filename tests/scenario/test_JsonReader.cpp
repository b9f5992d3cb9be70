#include <gtest/gtest.h>

#include "sim/scenario/JsonReader.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::has_issue;

TEST(JsonReader, PathsOfKeysAndIndices) {
  EXPECT_EQ(JsonReader::child_path("", "train"), ".train");
  EXPECT_EQ(JsonReader::child_path(".network.per_worker", "3"), ".network.per_worker.3");
  EXPECT_EQ(JsonReader::child_path(".data", "a b"), ".data[\"a b\"]");
  EXPECT_EQ(JsonReader::index_path(".algorithms", 2), ".algorithms[2]");
}

TEST(JsonReader, TypedGettersRecordProblemsAndReturnNothing) {
  const json doc = json::parse(R"({"s": 5, "b": "yes", "i": 2.5, "j": 1e3, "k": 7, "n": -1,
                                  "c": "gpu", "a": [1, 0], "big": 18446744073709551615})");
  std::vector<ScenarioIssue> issues;
  JsonReader r(doc, ".x", issues);
  EXPECT_FALSE(r.string("s"));
  EXPECT_FALSE(r.boolean("b"));
  EXPECT_FALSE(r.integer("i", 0, 10));
  EXPECT_EQ(r.integer("j", 0, 10000), 1000);  // integral floats are integers
  EXPECT_FALSE(r.integer("k", 0, 5));
  EXPECT_FALSE(r.number("n", NumberRange::positive()));
  EXPECT_FALSE(r.choice("c", {"auto", "cpu", "cuda"}));
  EXPECT_FALSE(r.numbers("a", NumberRange::positive()));
  EXPECT_FALSE(r.integer("big", 0, 10));
  EXPECT_FALSE(r.string("absent"));
  r.finish();
  EXPECT_TRUE(has_issue(issues, ".x.s", "expected a string, got 5 (a number)"));
  EXPECT_TRUE(has_issue(issues, ".x.b", "expected true or false, got \"yes\" (a string)"));
  EXPECT_TRUE(has_issue(issues, ".x.i", "expected an integer in 0..10, got 2.5"));
  EXPECT_TRUE(has_issue(issues, ".x.k", "expected an integer in 0..5, got 7"));
  EXPECT_TRUE(has_issue(issues, ".x.n", "expected a number > 0, got -1"));
  EXPECT_TRUE(has_issue(issues, ".x.c", "expected one of \"auto\", \"cpu\", \"cuda\", got \"gpu\""));
  EXPECT_TRUE(has_issue(issues, ".x.a[1]", "expected a number > 0, got 0"));
  EXPECT_TRUE(has_issue(issues, ".x.big", "expected an integer in 0..10"));
  EXPECT_EQ(issues.size(), 8u) << test::describe(issues);
}

TEST(JsonReader, NotAnObject) {
  std::vector<ScenarioIssue> issues;
  const json doc = json::array({1, 2});
  JsonReader r(doc, ".data", issues);
  EXPECT_FALSE(r.has("dataset"));
  r.finish();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(has_issue(issues, ".data", "expected an object {...}, got [1,2]"));
}

TEST(JsonReader, UnknownKeysWithSuggestionsHintsOrTheKnownKeys) {
  const json doc = json::parse(R"({"bandwith": 1, "Latency": 2, "zzz": 3, "lr": 4})");
  std::vector<ScenarioIssue> issues;
  JsonReader r(doc, ".network", issues);
  r.find("bandwidth");
  r.find("latency");
  r.finish({{"lr", "did you mean \"train.lr\"?"}});
  EXPECT_TRUE(has_issue(issues, ".network.bandwith",
                        "unknown key \"bandwith\"; did you mean \"bandwidth\"?"));
  EXPECT_TRUE(has_issue(issues, ".network.Latency", "did you mean \"latency\"?"));
  EXPECT_TRUE(has_issue(issues, ".network.zzz", "(known keys here: bandwidth, latency)"));
  EXPECT_TRUE(has_issue(issues, ".network.lr", "unknown key \"lr\"; did you mean \"train.lr\"?"));
}

TEST(JsonReader, ClosestKey) {
  const std::vector<std::string> keys = {"iterations", "epochs", "threshold_lr", "D", "density"};
  EXPECT_EQ(JsonReader::closest("epoch", keys), "epochs");
  EXPECT_EQ(JsonReader::closest("iteration", keys), "iterations");
  EXPECT_EQ(JsonReader::closest("iter", keys), "iterations");
  EXPECT_EQ(JsonReader::closest("threshold", keys), "threshold_lr");
  EXPECT_EQ(JsonReader::closest("d", keys), "D");
  EXPECT_EQ(JsonReader::closest("densty", keys), "density");
  EXPECT_EQ(JsonReader::closest("epcohs", keys), "epochs");  // a swap is one edit
  EXPECT_EQ(JsonReader::closest("h", keys), "");
  EXPECT_EQ(JsonReader::closest("color", keys), "");
}

TEST(JsonReader, DescribesFoundValuesBriefly) {
  EXPECT_EQ(JsonReader::describe_value(json("fast")), "\"fast\"");
  EXPECT_EQ(JsonReader::describe_value(json("fast"), true), "\"fast\" (a string)");
  EXPECT_EQ(JsonReader::describe_value(json(true), true), "true (a boolean)");
  EXPECT_EQ(JsonReader::describe_value(json(nullptr)), "null");
  EXPECT_EQ(JsonReader::describe_value(json::array({1, 2, 3})), "[1,2,3]");
  json big = json::object();
  for (int i = 0; i < 20; ++i) big["key" + std::to_string(i)] = i;
  EXPECT_EQ(JsonReader::describe_value(big), "an object with 20 keys");
  EXPECT_EQ(JsonReader::describe_value(json(std::string(100, 'x'))).size(), 48u);
}

TEST(JsonReader, NumberRangeWording) {
  EXPECT_EQ(NumberRange::positive().describe(), "a number > 0");
  EXPECT_EQ(NumberRange::non_negative().describe(), "a number >= 0");
  EXPECT_EQ(NumberRange::open_closed(0, 1).describe(), "a number in (0, 1]");
  EXPECT_EQ(NumberRange::any().describe(), "a number");
  EXPECT_TRUE(NumberRange::open_closed(0, 1).contains(1.0));
  EXPECT_FALSE(NumberRange::open_closed(0, 1).contains(0.0));
}

}  // namespace
}  // namespace sasgsim
