#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

TEST(Errors, ScenarioErrorListsEveryIssueUnderItsSource) {
  ScenarioError e("s.json", {{".workers", "expected an integer in 1..1024, got 0"},
                             {".train.lr", "expected a number > 0, got -1"}});
  EXPECT_EQ(std::string(e.what()),
            "s.json: 2 problems:\n"
            "  .workers: expected an integer in 1..1024, got 0\n"
            "  .train.lr: expected a number > 0, got -1");
  EXPECT_EQ(e.source(), "s.json");
  ASSERT_EQ(e.issues().size(), 2u);
  EXPECT_EQ(e.issues()[1].path, ".train.lr");
}

TEST(Errors, SingleIssueAndFileLevelIssue) {
  ScenarioError e("s.json", {{"", "not valid JSON: parse error at line 1, column 2"}});
  EXPECT_EQ(std::string(e.what()),
            "s.json: 1 problem:\n  not valid JSON: parse error at line 1, column 2");
}

TEST(Errors, UsageAndDataErrorsAreRuntimeErrors) {
  try {
    throw UsageError("bad --set");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "bad --set");
  }
  try {
    throw DataError("missing file");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "missing file");
  }
}

}  // namespace
}  // namespace sasgsim
