// Turns a scenario JSON document into a validated Scenario, by the declarations of the scenario
// schema (ScenarioSchema.h). Every problem in the document is collected (with its JSON path,
// what was expected and what was found) and reported at once in one ScenarioError; values out
// of range are rejected, never clamped. Dataset files are checked where data is loaded
// (sim/data/DatasetFiles.h), not here.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// Validates `doc` and returns the scenario; Scenario::resolved holds the document with every
// default filled in (canonical unit strings, absolute paths). `source` names the document in
// the error (a file name). Relative data paths are resolved against the current directory.
// Throws ScenarioError listing every problem.
Scenario parse_scenario(const nlohmann::json& doc, const std::string& source);

// Reads `file`, applies the --set overrides in order, then validates.
// Throws ScenarioError (unreadable file, invalid JSON with line and column, duplicate keys,
// invalid scenario) or UsageError (a malformed override).
Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides);

// load_scenario of a file already read: `text` is the contents of `file`, which errors name and
// against whose directory a relative network.include is found.
Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides);

// The resolved JSON form of a validated scenario (what Scenario::resolved holds): every key
// that applies, with its value. parse_scenario(scenario_to_json(s)) gives back s.
nlohmann::json scenario_to_json(const Scenario& scenario);

}  // namespace sasgsim
