#include "sim/scenario/ScenarioParser.h"

#include "sim/scenario/JsonFile.h"
#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

Scenario parse_recording(const nlohmann::json& doc, std::vector<ScenarioIssue>& issues) {
  ParseContext ctx{issues, &scenario_hints(), Scenario{}.workers};
  Scenario scenario;
  scenario_section().parse(doc, "", {"", ""}, ctx, scenario);
  return scenario;
}

Scenario validated(const nlohmann::json& doc, const std::string& source,
                   std::vector<ScenarioIssue> issues) {
  Scenario scenario = parse_recording(doc, issues);
  if (!issues.empty()) throw ScenarioError(source, std::move(issues));
  scenario.resolved = scenario_to_json(scenario);
  return scenario;
}

}  // namespace

Scenario parse_scenario(const nlohmann::json& doc, const std::string& source) {
  return validated(doc, source, {});
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  return load_scenario_text(read_scenario_text(file), file, overrides);
}

Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides) {
  std::vector<ScenarioIssue> duplicates;
  nlohmann::json doc = parse_scenario_json(text, file, duplicates);
  apply_overrides(doc, overrides);
  expand_network_include(doc, file, duplicates);
  return validated(doc, file, std::move(duplicates));
}

nlohmann::json scenario_to_json(const Scenario& scenario) {
  return scenario_section().write(scenario);
}

}  // namespace sasgsim
