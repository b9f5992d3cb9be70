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

std::string nesting_problem() {
  return "objects and arrays nested deeper than " + std::to_string(kMaxJsonNesting) +
         " levels; no scenario key needs more than a few";
}

std::string read_scenario_text(const std::string& file) {
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
  return buffer.str();
}

json read_scenario_json(const std::string& file, std::vector<ScenarioIssue>& issues) {
  return parse_scenario_json(read_scenario_text(file), file, issues);
}

namespace {

// Follows the parser's events to know the JSON path of the value being read, and records every
// key given twice in one object.
class KeyRecorder {
 public:
  KeyRecorder(const std::string& source, std::vector<ScenarioIssue>& issues)
      : source_(source), issues_(issues) {}

  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        std::string path = value_path();
        if (frames_.size() == kMaxJsonNesting) {
          throw ScenarioError(source_, {{path, nesting_problem()}});
        }
        if (!frames_.empty() && frames_.back().is_array) ++frames_.back().next_index;
        frames_.push_back({event == json::parse_event_t::array_start, std::move(path), 0, {}, {}});
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case json::parse_event_t::key:
        if (!frames_.empty()) {
          Frame& top = frames_.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) {
            issues_.push_back({JsonReader::child_path(top.path, top.key),
                               "duplicate key " + JsonReader::quote(top.key) +
                                   ": only one of its values would be used; remove the other"});
          }
        }
        break;
      case json::parse_event_t::value:
        if (!frames_.empty() && frames_.back().is_array) ++frames_.back().next_index;
        break;
    }
    return true;
  }

  // The path of the value being read: the last key's, or the next element's of an array.
  std::string value_path() const {
    if (frames_.empty()) return "";
    const Frame& top = frames_.back();
    return top.is_array ? JsonReader::index_path(top.path, top.next_index)
                        : JsonReader::child_path(top.path, top.key);
  }

 private:
  struct Frame {
    bool is_array;
    std::string path;
    size_t next_index = 0;
    std::string key;
    std::set<std::string> keys;
  };
  std::vector<Frame> frames_;
  const std::string& source_;
  std::vector<ScenarioIssue>& issues_;
};

// An exception's message without its "[json.exception.parse_error.101] " prefix.
std::string without_prefix(const std::string& what) {
  const size_t bracket = what.find("] ");
  if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
    return what.substr(bracket + 2);
  }
  return what;
}

}  // namespace

// Parses the text as JSON, recording (not throwing) duplicate keys: JSON parsers silently keep
// the last of them, which hides a typo'd second copy of a setting.
json parse_scenario_json(const std::string& text, const std::string& source,
                         std::vector<ScenarioIssue>& issues) {
  KeyRecorder recorder(source, issues);
  try {
    return json::parse(text, [&recorder](int, json::parse_event_t event, json& parsed) {
      return recorder.on_event(event, parsed);
    });
  } catch (const json::parse_error& e) {
    // The rest of the message says where (line, column) and what.
    throw ScenarioError(source, {{"", "not valid JSON: " + without_prefix(e.what())}});
  } catch (const json::out_of_range& e) {
    // A number beyond a double's range (1e400) is JSON, but cannot be held; the message names
    // no line, so the path of the value being read says where.
    throw ScenarioError(source, {{recorder.value_path(),
                                  without_prefix(e.what()) +
                                      ": a number's magnitude must be at most about 1.8e308"}});
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
