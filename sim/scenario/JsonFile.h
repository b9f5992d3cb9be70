// Reading a scenario file as JSON, with the problems JSON parsers hide: a key given twice in
// one object is recorded (parsers silently keep the last value, hiding a typo'd second copy).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"

namespace sasgsim {

// How deep objects and arrays may nest in a scenario and in a --set value. A scenario needs a
// handful of levels; the limit keeps a pathological file from exhausting the stack (writing and
// copying JSON recurse) or the memory (every level keeps its path).
inline constexpr size_t kMaxJsonNesting = 64;
// "nested deeper than 64 levels ...": the problem of a value beyond kMaxJsonNesting.
std::string nesting_problem();

// The contents of `file`. Throws ScenarioError for a directory or a file that cannot be read.
std::string read_scenario_text(const std::string& file);

// The document in `text`, the contents of `source` (which errors name); every duplicate key is
// added to `issues` with its JSON path. Throws ScenarioError for text that is not valid JSON
// (with line and column) or nests deeper than kMaxJsonNesting.
nlohmann::json parse_scenario_json(const std::string& text, const std::string& source,
                                   std::vector<ScenarioIssue>& issues);

// parse_scenario_json of the contents of `file`; throws ScenarioError as both do.
nlohmann::json read_scenario_json(const std::string& file, std::vector<ScenarioIssue>& issues);

// Lays the network section of `doc` over the profile its "network.include" names (a file of
// network keys, relative to `scenario_file`'s directory; its "description" is dropped), and
// removes the key. Problems are added to `issues` at ".network.include".
void expand_network_include(nlohmann::json& doc, const std::string& scenario_file,
                            std::vector<ScenarioIssue>& issues);

}  // namespace sasgsim
