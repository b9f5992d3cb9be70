#include "sim/scenario/Overrides.h"

#include <cctype>

#include "sim/scenario/Errors.h"
#include "sim/scenario/JsonFile.h"
#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

bool is_index(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "a.b[2].c" and ".a.b.2.c" -> {"a", "b", "2", "c"}.
std::vector<std::string> split_key(const std::string& key, const std::string& assignment) {
  auto fail = [&](const std::string& why) {
    throw UsageError("--set \"" + assignment + "\": " + why +
                     " (expected KEY=VALUE with a dotted KEY, e.g. train.iterations=200 or "
                     "algorithms.0.density=0.05)");
  };
  std::vector<std::string> segments;
  size_t i = key.size() > 0 && key[0] == '.' ? 1 : 0;
  if (i == key.size()) fail("empty key");
  while (i < key.size()) {
    if (key[i] == '[') {
      const size_t close = key.find(']', i);
      if (close == std::string::npos) fail("unclosed '[' in the key");
      const std::string index = key.substr(i + 1, close - i - 1);
      if (!is_index(index)) fail("expected an array index in [...], got \"" + index + "\"");
      segments.push_back(index);
      i = close + 1;
    } else {
      size_t end = i;
      while (end < key.size() && key[end] != '.' && key[end] != '[') ++end;
      if (end == i) fail("empty segment in the key \"" + key + "\"");
      segments.push_back(key.substr(i, end - i));
      i = end;
    }
    if (i < key.size() && key[i] == '.') {
      ++i;
      if (i == key.size()) fail("the key \"" + key + "\" ends with '.'");
    }
    // Each segment is a level of objects or arrays in the document.
    if (segments.size() > kMaxJsonNesting) {
      fail("the key has more than " + std::to_string(kMaxJsonNesting) + " segments");
    }
  }
  return segments;
}

std::string join(const std::vector<std::string>& segments, size_t count) {
  std::string s;
  for (size_t i = 0; i < count; ++i) s += (i ? "." : "") + segments[i];
  return s;
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

// Where a node of the document sits in the scenario schema: the key it is the value of, or an
// element (entry) of; null where the path leaves the schema (unknown keys are the parser's to
// report).
struct SchemaPosition {
  const KeyInfo* key = nullptr;
  bool element = false;

  bool container() const {
    return key != nullptr && !key->children.empty() && !key->children.front().suffix.empty();
  }
  // The section holding the keys of `node`, an object at this position.
  const SectionInfo* section(const json& node, bool root) const {
    if (root) return &scenario_section();
    if (key == nullptr || key->children.empty()) return nullptr;
    if (container() && !element) return nullptr;
    if (!element) return key->children.front().section;
    for (const ChildSection& c : key->children) {
      if (c.variant.empty() || (node.is_object() && node.value("name", json()) == c.variant)) {
        return c.section;
      }
    }
    return key->children.front().section;
  }
  // A string in place of the object it is short for ("step", "sasg") is expanded.
  void expand_shorthand(json& node) const {
    if (key == nullptr || key->shorthand.empty() || !node.is_string()) return;
    if (container() == element) node = json{{key->shorthand, node.get<std::string>()}};
  }
  SchemaPosition next(const json& node, bool root, const std::string& segment) const {
    if (container() && !element) return {key, true};
    const SectionInfo* s = section(node, root);
    return {s == nullptr ? nullptr : s->find(segment), false};
  }
};

// Sets (or, for null, removes) a key of an object. Setting a key drops the keys that give the
// same setting another way (iterations / epochs).
void assign_key(json& object, const std::string& segment, const json& value,
                const SchemaPosition& at, bool root) {
  if (value.is_null()) {
    object.erase(segment);
    return;
  }
  const SectionInfo* s = at.section(object, root);
  if (const KeyInfo* key = s == nullptr ? nullptr : s->find(segment)) {
    for (const std::string& other : key->replaces) object.erase(other);
  }
  object[segment] = value;
}

// Sets (or, for null, removes) an element of an array; index == size appends.
void assign_element(json& array, size_t index, const json& value) {
  if (value.is_null()) {
    if (index < array.size()) array.erase(index);
  } else if (index == array.size()) {
    array.push_back(value);
  } else {
    array[index] = value;
  }
}

}  // namespace

void apply_override(json& doc, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos) {
    throw UsageError("--set \"" + assignment +
                     "\": expected KEY=VALUE, e.g. --set workers=4 or --set "
                     "network.bandwidth=100Mbps");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const std::vector<std::string> segments = split_key(key, assignment);
  const json::parser_callback_t not_too_deep = [&](int depth, json::parse_event_t event, json&) {
    const bool opens = event == json::parse_event_t::object_start ||
                       event == json::parse_event_t::array_start;
    if (opens && depth >= static_cast<int>(kMaxJsonNesting)) {
      throw UsageError("--set " + key + "=...: the value has " + nesting_problem());
    }
    return true;
  };
  json value = json::parse(text, not_too_deep, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;

  if (doc.is_null()) doc = json::object();
  json* node = &doc;
  SchemaPosition at;
  for (size_t depth = 0; depth < segments.size(); ++depth) {
    const std::string& segment = segments[depth];
    const bool last = depth + 1 == segments.size();
    const std::string here = depth == 0 ? "the scenario" : "\"" + join(segments, depth) + "\"";
    at.expand_shorthand(*node);
    if (node->is_null()) *node = json::object();

    if (node->is_object()) {
      if (last) return assign_key(*node, segment, value, at, depth == 0);
      at = at.next(*node, depth == 0, segment);
      node = &(*node)[segment];
    } else if (node->is_array()) {
      if (!is_index(segment)) {
        throw UsageError("--set \"" + assignment + "\": " + here +
                         " is an array; address its elements by index, e.g. \"" +
                         join(segments, depth) + ".0\"");
      }
      const size_t index = std::stoul(segment);
      if (index > node->size()) {
        throw UsageError("--set \"" + assignment + "\": index " + segment + " is out of range: " +
                         here + " has " + std::to_string(node->size()) + " element" +
                         (node->size() == 1 ? "" : "s") + " (an index equal to the length appends)");
      }
      if (last) return assign_element(*node, index, value);
      if (index == node->size()) node->push_back(nullptr);
      at = at.next(*node, false, segment);
      node = &(*node)[index];
    } else {
      throw UsageError("--set \"" + assignment + "\": cannot set \"" + key + "\": " + here +
                       " is " + type_name(*node) + ", not an object or array");
    }
  }
}

void apply_overrides(json& doc, const std::vector<std::string>& assignments) {
  for (const std::string& assignment : assignments) apply_override(doc, assignment);
}

}  // namespace sasgsim
