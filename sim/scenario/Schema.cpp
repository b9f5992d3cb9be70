#include "sim/scenario/Schema.h"

#include <algorithm>

#include "sim/scenario/HintIndex.h"

namespace sasgsim {
namespace {

using nlohmann::json;

// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
std::string either(const std::vector<json>& values) {
  std::vector<std::string> texts;
  for (const json& v : values) texts.push_back(v.dump());
  return spoken_list(texts, "or");
}

// "a number > 0", "one of \"a\", \"b\"", "a time like ...": what a missing key should hold.
std::string expected_value(const KeyInfo& key) {
  const json& schema = key.value_schema;
  if (schema.contains("enum")) {
    std::string s = "one of ";
    for (size_t i = 0; i < schema["enum"].size(); ++i) s += (i ? ", " : "") + schema["enum"][i].dump();
    return s;
  }
  // "in [0, 1]", "> 0": the allowed range as messages word it.
  const std::string& range = key.allowed;
  const bool interval = !range.empty() && (range[0] == '[' || range[0] == '(');
  const std::string range_words = (interval ? "in " : "") + range;
  // The range of a unit string is named where it is not its kind's physical one.
  const auto unit_string = [&](const std::string& noun, const std::string& physical,
                               const char* example) {
    return "a " + noun + (range == physical ? "" : " " + range_words) + " like " + example;
  };
  if (key.type == "rate string") {
    return unit_string("rate", rate_range_text(rate_range()), kRateExample);
  }
  if (key.type == "time string") {
    return unit_string("time", time_range_text(time_range()), kTimeExample);
  }
  if (key.type == "integer") return "an integer " + range;
  if (key.type == "number") return "a number " + range_words;
  if (key.type == "object") return "an object";
  return "a " + key.type;
}

std::optional<int> worker_index(const std::string& key, const std::string& item_path,
                                const ParseContext& ctx) {
  const bool canonical =
      !key.empty() && key.size() <= 9 && (key.size() == 1 || key[0] != '0') &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!canonical) {
    ctx.issues.push_back({item_path, "expected a worker index (a decimal integer such as \"3\") "
                                     "as the key, got " + JsonReader::quote(key)});
    return std::nullopt;
  }
  const int index = std::stoi(key);
  if (ctx.workers && index >= *ctx.workers) {
    ctx.issues.push_back({item_path, "worker " + key + " does not exist: workers is " +
                                         std::to_string(*ctx.workers) + " (indices 0.." +
                                         std::to_string(*ctx.workers - 1) + ")"});
    return std::nullopt;
  }
  return index;
}

}  // namespace

bool read_worker_map(
    const json& value, const std::string& path, const std::string& example, ParseContext& ctx,
    const std::function<bool(const json&, const std::string&, std::optional<int>)>& entry) {
  if (!value.is_object()) {
    ctx.issues.push_back({path, "expected an object keyed by worker index, e.g. " + example +
                                    ", got " + JsonReader::describe_value(value, true)});
    return false;
  }
  bool ok = true;
  for (const auto& item : value.items()) {
    const std::string item_path = JsonReader::child_path(path, item.key());
    const std::optional<int> worker = worker_index(item.key(), item_path, ctx);
    ok = entry(item.value(), item_path, worker) && worker.has_value() && ok;
  }
  return ok;
}

std::string missing_text(const KeyInfo& key, bool conditional) {
  std::string text = expected_value(key);
  if (!key.example.empty()) text += ", e.g. " + key.example;
  if (conditional) {
    text += " (needed when " + JsonReader::quote(key.required_when.selector) + " is " +
            either(key.required_when.values) + ")";
  }
  return text;
}

std::string not_applicable_text(const KeyInfo& key, const Condition& c, const json& current) {
  const std::string fix = c.values.size() == 1
                              ? JsonReader::quote(c.selector) + ": " + c.values.front().dump()
                              : JsonReader::quote(c.selector) + " to one of them";
  return JsonReader::quote(key.name) + " applies only when " + JsonReader::quote(c.selector) + " is " +
         either(c.values) + ", not " + current.dump() + "; remove it or set " + fix;
}

std::map<std::string, std::string> section_hints(
    const SectionInfo& section, const std::vector<std::pair<std::string, std::string>>& own,
    const SchemaPlace& place, const HintIndex* index) {
  std::map<std::string, std::string> hints;
  if (index != nullptr) hints = index->hints_for(section, place);
  for (const KeyInfo* key : section.key_infos()) {
    for (const Alias& alias : key->aliases) {
      hints[alias.name] = "did you mean " + JsonReader::quote(key->name) +
                          (alias.note.empty() ? "" : " (" + alias.note + ")") + "?";
    }
  }
  for (const auto& [key, advice] : own) hints[key] = advice;
  return hints;
}

}  // namespace sasgsim
