// The description side of the scenario schema: what a key is (type, default, range, unit, where
// it applies, meaning, other names people write for it), independent of the struct it fills.
// Documentation, the JSON Schema and the "did you mean" hints read these; Section<T>
// (Schema.h) adds the binding that parses and writes values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim {

class SectionInfo;

// Another name people write for a key: the paper's symbol ("h" for density) or a near synonym
// ("mss" for segment_size). An unknown key that is an alias gets "did you mean" the key.
struct Alias {
  std::string name;
  std::string note;  // "the paper's h"; may be empty
};

// "Only when <selector> is one of <values>": selector is an earlier key of the same section,
// values are the JSON values (as written in the resolved scenario) that satisfy it.
struct Condition {
  std::string selector;
  std::vector<nlohmann::json> values;
  bool active() const { return !selector.empty(); }
};

// A section nested under a key: a plain object (suffix ""), the entries of a per-worker map
// (suffix ".<worker>") or the elements of a list, one section per variant (suffix "[]").
struct ChildSection {
  std::string suffix;
  const SectionInfo* section = nullptr;
  std::string variant;    // the list element kind this section is for ("sasg"); "" otherwise
  // How a key of this section is reached, for a key written elsewhere: "{key}" and "{variant}"
  // are filled in. Empty: "did you mean \"<dotted path>\"?".
  std::string placement;
};

struct KeyInfo {
  std::string name;
  std::string type;          // "integer", "rate string", "array of numbers", ...
  std::string default_text;  // Markdown; empty: derived from the section's default value
  std::string allowed;       // Markdown: "1 .. 1024", "> 0", "`\"ns3\"`, `\"analytic\"`"
  std::string unit;          // "bit/s", "s", "bytes", ... or ""
  std::string meaning;       // one line
  std::string example;       // shown when the key is missing: "0.005"
  std::vector<Condition> applies;  // all must hold; empty: always applies
  Condition required_when;   // required when this holds (and the key applies)
  bool required = false;     // always required
  std::vector<Alias> aliases;
  nlohmann::json value_schema;        // JSON Schema of the value (type, range, enum, ...)
  std::vector<ChildSection> children; // sections nested under this key
  bool docs_inline = true;   // a child section's keys are listed in this table as key.child
  // A string written in place of the object stands for {"<shorthand>": string}
  // ("step" for {"type": "step"}); "" when there is no shorthand.
  std::string shorthand;
  // Keys of the same object that give the same setting another way (iterations / epochs):
  // setting this key with --set drops them.
  std::vector<std::string> replaces;
};

class SectionInfo {
 public:
  virtual ~SectionInfo() = default;
  // Keys in declaration order.
  virtual std::vector<const KeyInfo*> key_infos() const = 0;
  // The value of every key in a default-constructed section, as the resolved scenario would
  // write it (null where nothing is written).
  virtual nlohmann::json default_values() const = 0;
  // Extra "did you mean" hints for unknown keys of this section: key -> advice.
  virtual const std::vector<std::pair<std::string, std::string>>& hints() const = 0;
  // JSON Schema keywords this section's own checks add (allOf entries), e.g. "one of
  // iterations and epochs".
  virtual const std::vector<nlohmann::json>& schema_rules() const = 0;

  const KeyInfo* find(const std::string& name) const {
    for (const KeyInfo* k : key_infos()) {
      if (k->name == name) return k;
    }
    return nullptr;
  }
};

}  // namespace sasgsim
