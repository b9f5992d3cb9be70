#include "sim/app/RunnableScenario.h"

#include "sim/data/DatasetFiles.h"
#include "sim/net/Network.h"
#include "sim/scenario/ScenarioParser.h"

namespace sasgsim {

std::vector<ScenarioIssue> runnable_issues(const Scenario& scenario) {
  std::vector<ScenarioIssue> issues = check_network(scenario.network);
  for (ScenarioIssue& issue : check_dataset_files(scenario.data)) issues.push_back(std::move(issue));
  return issues;
}

Scenario load_runnable_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  Scenario s = load_scenario(file, overrides);
  if (std::vector<ScenarioIssue> issues = runnable_issues(s); !issues.empty()) {
    throw ScenarioError(file, std::move(issues));
  }
  return s;
}

}  // namespace sasgsim
