// Typed errors. User errors (bad scenario, bad arguments, missing data) make the CLI exit 2;
// anything else is an internal failure (exit 1). Only the CLI's main catches them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sasgsim {

// One problem in a scenario: where (a JSON path such as ".network.bandwidth") and what.
struct ScenarioIssue {
  std::string path;
  std::string message;
};

// A scenario that failed validation; carries every problem found in the file.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string source, std::vector<ScenarioIssue> issues);
  const std::string& source() const { return source_; }
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  std::string source_;
  std::vector<ScenarioIssue> issues_;
};

// Bad command-line usage (an unparsable --set, an unknown --only name, ...).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Input data that cannot be used: missing or malformed dataset files.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sasgsim
