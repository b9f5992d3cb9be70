// A scenario checked as `sasgsim validate` and `run` check it before anything runs: the
// parser's checks, then the network settings only ns-3 can check, then the dataset files.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// The network and dataset-file problems of a parsed scenario, each with its JSON path.
std::vector<ScenarioIssue> runnable_issues(const Scenario& scenario);

// load_scenario, then runnable_issues; throws ScenarioError naming `file` with every problem.
Scenario load_runnable_scenario(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace sasgsim
