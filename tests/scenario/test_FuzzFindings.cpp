// Inputs that crashed the parser or what follows it, each reduced to what triggers it and
// checked for the answer it must get instead: a ScenarioError or UsageError saying what is
// wrong and where. Found with the fuzz harness (tests/fuzz/fuzz_scenario.cpp, scripts/fuzz.sh):
// by the fuzzer itself, by hand-written inputs run through it, or, where they need larger inputs
// than its 4.7 KB (deep nesting), by reading the code it covers (bench/RESULTS.md, "Fuzzing").
// They go the harness's way: scenario text and --set assignments through load_scenario_text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/JsonFile.h"
#include "sim/scenario/ScenarioParser.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using test::describe;
using test::has_issue;

// The issues load_scenario_text reports for `text` with `sets` (a failure when it accepts it).
std::vector<ScenarioIssue> issues_loading(const std::string& text,
                                          const std::vector<std::string>& sets = {}) {
  try {
    load_scenario_text(text, "fuzz.json", sets);
    ADD_FAILURE() << "accepted " << text;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), "fuzz.json");
    return e.issues();
  }
  return {};
}

// nlohmann::json throws out_of_range, not parse_error, for a number beyond a double's range;
// it escaped as an internal error (exit status 1) instead of a scenario problem.
TEST(FuzzFindings, NumberBeyondADoubleIsAScenarioProblemAtItsPath) {
  const std::vector<ScenarioIssue> top = issues_loading("31e308");
  ASSERT_EQ(top.size(), 1u) << describe(top);
  EXPECT_TRUE(has_issue(top, "", "number overflow parsing '31e308'")) << describe(top);

  const std::vector<ScenarioIssue> key =
      issues_loading(R"({"name": "x", "train": {"iterations": 10, "lr": -1e400}})");
  ASSERT_EQ(key.size(), 1u) << describe(key);
  EXPECT_TRUE(has_issue(key, ".train.lr", "number overflow parsing '-1e400'")) << describe(key);
  EXPECT_TRUE(has_issue(key, ".train.lr", "at most about 1.8e308")) << describe(key);

  const std::vector<ScenarioIssue> element =
      issues_loading(R"({"seeds": [1, {"a": [2]}, 3, 1e999]})");
  ASSERT_EQ(element.size(), 1u) << describe(element);
  EXPECT_TRUE(has_issue(element, ".seeds[3]", "number overflow parsing '1e999'"))
      << describe(element);
}

// --set values are command-line bytes, so strings that are not UTF-8 reach the parser (the JSON
// parser lets none in). data.path and the sweep block accepted them, and writing the resolved
// scenario (the manifest) then threw json::type_error. The assignments are applied to the
// quickstart, as the harness applies those given without a scenario text.
TEST(FuzzFindings, BytesThatAreNotUtf8InDataPathsAndSweepsAreScenarioProblems) {
  const std::string quickstart =
      read_scenario_text(std::string(SASGSIM_SOURCE_DIR) + "/scenarios/quickstart.json");
  const struct {
    std::vector<std::string> sets;
    std::string path;
    std::string part;
  } cases[] = {
      {{"data.path=\xff"}, ".data.path", "expected UTF-8 text, got bytes that are not UTF-8"},
      {{"data.second.dataset=mnist", "data.partition=by_dataset", "data.second.path=caf\xe9"},
       ".data.second.path", "expected UTF-8 text"},
      {{"sweep.workers=[4]", "sweep.workers.1=\xff"}, ".sweep.workers",
       "expected UTF-8 text in the values"},
      {{"sweep.workers=[4]", "sweep.workers.1=\xff", "sweep.workers.2=\xff"}, ".sweep.workers",
       "expected UTF-8 text in the values"},
      {{"sweep.workers=[{\"a\": 1}]", "sweep.workers.0.\xfe=1"}, ".sweep.workers",
       "expected UTF-8 text in the values"},
      {{"sweep.\xff=[1]"}, ".sweep[\"\xef\xbf\xbd\"]",
       "expected a dotted scenario key in UTF-8 text"},
  };
  for (const auto& c : cases) {
    std::string label;
    for (const std::string& s : c.sets) label += " --set " + s;
    const std::vector<ScenarioIssue> issues = issues_loading(quickstart, c.sets);
    EXPECT_TRUE(has_issue(issues, c.path, c.part)) << label << "\n" << describe(issues);
    EXPECT_EQ(issues.size(), 1u) << label << "\n" << describe(issues);
  }
}

// Found by reading: writing, copying and comparing JSON recurse, and the reader kept every
// level's path, so a file of 100,000 nested arrays ran out of memory and a --set value or key
// as deep overflowed the stack. Nesting is limited to kMaxJsonNesting levels.
TEST(FuzzFindings, DeepNestingIsAProblemNotAStackOverflow) {
  const auto nested = [](size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
  };
  const auto first_elements = [](size_t levels) {
    std::string path;
    for (size_t i = 0; i < levels; ++i) path += "[0]";
    return path;
  };
  const std::string problem = "nested deeper than 64 levels";
  const std::vector<ScenarioIssue> deep =
      issues_loading("{\"workers\": " + nested(100000) + "}");
  ASSERT_EQ(deep.size(), 1u) << describe(deep);
  // The root object and 63 arrays are open when the 65th level starts.
  EXPECT_TRUE(has_issue(deep, ".workers" + first_elements(kMaxJsonNesting - 1), problem))
      << describe(deep);
  // 64 levels are read (and rejected as no scenario, not for their depth); 65 are not.
  const std::vector<ScenarioIssue> limit = issues_loading(nested(kMaxJsonNesting));
  ASSERT_EQ(limit.size(), 1u) << describe(limit);
  EXPECT_TRUE(has_issue(limit, "", "expected an object")) << describe(limit);
  const std::vector<ScenarioIssue> over = issues_loading(nested(kMaxJsonNesting + 1));
  EXPECT_TRUE(has_issue(over, first_elements(kMaxJsonNesting), problem)) << describe(over);

  const std::string quickstart =
      read_scenario_text(std::string(SASGSIM_SOURCE_DIR) + "/scenarios/quickstart.json");
  EXPECT_THROW(load_scenario_text(quickstart, "fuzz.json", {"workers=" + nested(100000)}),
               UsageError);
  std::string key = "workers";
  for (int i = 0; i < 50000; ++i) key += ".a";
  EXPECT_THROW(load_scenario_text(quickstart, "fuzz.json", {key + "=1"}), UsageError);
  // Within the limits, the value is read as JSON and the parser reports it.
  EXPECT_TRUE(has_issue(issues_loading(quickstart, {"workers=" + nested(kMaxJsonNesting)}),
                        ".workers", "expected an integer"));
}

}  // namespace
}  // namespace sasgsim
