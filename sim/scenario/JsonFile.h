// Reading a scenario file as JSON, with the problems JSON parsers hide: a key given twice in
// one object is recorded (parsers silently keep the last value, hiding a typo'd second copy).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"

namespace sasgsim {

// The document in `file`; every duplicate key is added to `issues` with its JSON path.
// Throws ScenarioError for a file that cannot be read or is not valid JSON (with line and
// column).
nlohmann::json read_scenario_json(const std::string& file, std::vector<ScenarioIssue>& issues);

// Lays the network section of `doc` over the profile its "network.include" names (a file of
// network keys, relative to `scenario_file`'s directory; its "description" is dropped), and
// removes the key. Problems are added to `issues` at ".network.include".
void expand_network_include(nlohmann::json& doc, const std::string& scenario_file,
                            std::vector<ScenarioIssue>& issues);

}  // namespace sasgsim
