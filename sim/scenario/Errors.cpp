#include "sim/scenario/Errors.h"

#include <utility>

namespace sasgsim {
namespace {

// "<source>: N problems:" then one indented line per issue; an issue without a path concerns
// the whole file (unreadable, not JSON).
std::string describe(const std::string& source, const std::vector<ScenarioIssue>& issues) {
  std::string s = source + ": " + std::to_string(issues.size()) +
                  (issues.size() == 1 ? " problem:" : " problems:");
  for (const ScenarioIssue& issue : issues) {
    s += "\n  ";
    if (!issue.path.empty()) s += issue.path + ": ";
    s += issue.message;
  }
  return s;
}

}  // namespace

ScenarioError::ScenarioError(std::string source, std::vector<ScenarioIssue> issues)
    : std::runtime_error(describe(source, issues)),
      source_(std::move(source)),
      issues_(std::move(issues)) {}

}  // namespace sasgsim
