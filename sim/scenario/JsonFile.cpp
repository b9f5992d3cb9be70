#include "sim/scenario/JsonFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/scenario/JsonReader.h"

namespace sasgsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

}  // namespace

// Reads the file as JSON, recording (not throwing) duplicate keys: JSON parsers silently keep
// the last of them, which hides a typo'd second copy of a setting.
json read_scenario_json(const std::string& file, std::vector<ScenarioIssue>& issues) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ScenarioError(file, {{"", "is a directory, not a scenario file"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ScenarioError(file, {{"", std::string("cannot read the file: ") + std::strerror(errno)}});
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  struct Frame {
    bool is_array;
    std::string path;
    size_t next_index = 0;
    std::string key;
    std::set<std::string> keys;
  };
  std::vector<Frame> frames;
  auto value_path = [&frames]() -> std::string {
    if (frames.empty()) return "";
    Frame& top = frames.back();
    return top.is_array ? JsonReader::index_path(top.path, top.next_index++)
                        : JsonReader::child_path(top.path, top.key);
  };
  auto callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: {
        std::string path = value_path();
        frames.push_back({false, std::move(path), 0, {}, {}});
        break;
      }
      case json::parse_event_t::array_start: {
        std::string path = value_path();
        frames.push_back({true, std::move(path), 0, {}, {}});
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case json::parse_event_t::key:
        if (!frames.empty()) {
          Frame& top = frames.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) {
            issues.push_back({JsonReader::child_path(top.path, top.key),
                              "duplicate key " + JsonReader::quote(top.key) +
                                  ": only one of its values would be used; remove the other"});
          }
        }
        break;
      case json::parse_event_t::value:
        if (!frames.empty() && frames.back().is_array) ++frames.back().next_index;
        break;
    }
    return true;
  };
  try {
    return json::parse(text, callback);
  } catch (const json::parse_error& e) {
    // Drop the "[json.exception.parse_error.101] " prefix: the rest says where and what.
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    throw ScenarioError(file, {{"", "not valid JSON: " + what}});
  }
}


namespace {

// `base` with `over` laid on top: objects merge key by key, anything else is replaced.
json merged(json base, const json& over) {
  if (!base.is_object() || !over.is_object()) return over;
  for (const auto& item : over.items()) {
    base[item.key()] = base.contains(item.key()) ? merged(base[item.key()], item.value())
                                                 : item.value();
  }
  return base;
}

}  // namespace

void expand_network_include(json& doc, const std::string& scenario_file,
                            std::vector<ScenarioIssue>& issues) {
  if (!doc.is_object() || !doc.contains("network") || !doc["network"].is_object()) return;
  json& network = doc["network"];
  if (!network.contains("include")) return;
  const std::string path = ".network.include";
  if (!network["include"].is_string()) {
    issues.push_back({path, "expected the path of a network profile (a JSON file of network "
                            "keys, e.g. one `sasgsim calibrate` wrote), got " +
                                JsonReader::describe_value(network["include"], true)});
    network.erase("include");
    return;
  }
  fs::path file = network["include"].get<std::string>();
  if (file.is_relative()) file = fs::path(scenario_file).parent_path() / file;
  network.erase("include");
  json profile;
  try {
    profile = read_scenario_json(file.string(), issues);
  } catch (const ScenarioError& e) {
    for (const ScenarioIssue& issue : e.issues()) {
      issues.push_back({path, file.string() + issue.path + ": " + issue.message});
    }
    return;
  }
  if (!profile.is_object() || profile.contains("include")) {
    issues.push_back({path, file.string() + ": expected an object of network keys without an "
                            "\"include\" of its own"});
    return;
  }
  profile.erase("description");  // for people, as a scenario's own
  network = merged(std::move(profile), network);
}

}  // namespace sasgsim
