// Markdown key tables from the scenario schema (declared in SchemaDocs.h).
#include <algorithm>
#include <stdexcept>

#include "algorithms/Catalog.h"
#include "sim/scenario/SchemaDocs.h"
#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

const char* kBegin = "<!-- generated: sasgsim schema --markdown, table ";
const char* kEnd = "<!-- end of generated table -->";

std::string code(const std::string& s) { return "`" + s + "`"; }

std::string applies_text(const std::vector<Condition>& conditions, const std::string& prefix) {
  std::string s;
  for (const Condition& c : conditions) {
    s += (s.empty() ? "" : "; ") + code(prefix + c.selector) + " is " + markdown_values(c.values);
  }
  return s;
}

std::string default_text(const KeyInfo& key, const json& value, const std::string& prefix) {
  if (!key.default_text.empty()) return key.default_text;
  if (key.required) return "required";
  if (key.required_when.active()) {
    return "required when " + code(prefix + key.required_when.selector) + " is " +
           markdown_values(key.required_when.values);
  }
  if (value.is_null()) return "none";
  if (value.is_object() && !key.children.empty()) return "see below";
  return code(value.dump());
}

struct Row {
  std::string key, type, defaults, allowed, unit, applies, meaning;
};

std::string row_text(const Row& r) {
  return "| " + code(r.key) + " | " + r.type + " | " + r.defaults + " | " + r.allowed + " | " +
         r.unit + " | " + r.applies + " | " + r.meaning + " |\n";
}

// The rows of `section`, its inline children's rows after their parent's as parent.child.
void add_rows(const SectionInfo& section, const std::string& prefix, std::vector<Row>& rows) {
  const json defaults = section.default_values();
  for (const KeyInfo* key : section.key_infos()) {
    rows.push_back({prefix + key->name, key->type,
                    default_text(*key, defaults.value(key->name, json()), prefix), key->allowed,
                    key->unit, applies_text(key->applies, prefix), key->meaning});
    for (const ChildSection& child : key->children) {
      if (!key->docs_inline || child.suffix == "[]") continue;
      add_rows(*child.section, prefix + key->name + child.suffix + ".", rows);
    }
  }
}

const char* kHeader =
    "| Key | Type | Default | Allowed | Unit | Applies when | Meaning |\n"
    "|---|---|---|---|---|---|---|\n";

std::string section_table(const SectionInfo& section) {
  std::vector<Row> rows;
  add_rows(section, "", rows);
  std::string out = kHeader;
  for (const Row& r : rows) out += row_text(r);
  return out;
}

// One row per key of any algorithm, with the algorithms that have it.
bool is_composed(const AlgorithmType& type) {
  return std::string(type.name()) == ComposedOptions::kName;
}

std::vector<std::string> algorithm_names() {
  std::vector<std::string> names;
  for (const AlgorithmType* type : algorithm_catalog()) names.emplace_back(type->name());
  return names;
}

std::string algorithms_table() {
  struct Merged {
    const KeyInfo* key;
    json default_value;
    std::vector<std::string> names;
  };
  std::vector<Merged> merged;
  std::vector<std::string> all;
  for (const AlgorithmType* type : algorithm_catalog()) {
    if (is_composed(*type)) continue;  // its keys have a table of their own
    all.emplace_back(type->name());
    const json defaults = type->keys().default_values();
    for (const KeyInfo* key : type->keys().key_infos()) {
      auto it = std::find_if(merged.begin(), merged.end(),
                             [&](const Merged& m) { return m.key->name == key->name; });
      if (it == merged.end()) {
        merged.push_back({key, defaults.value(key->name, json()), {}});
        it = merged.end() - 1;
      }
      it->names.emplace_back(type->name());
    }
  }
  std::string out =
      "| Key | Type | Default | Allowed | Applies to | Meaning |\n|---|---|---|---|---|---|\n";
  for (const Merged& m : merged) {
    std::string applies;
    for (const std::string& n : m.names) applies += (applies.empty() ? "" : ", ") + n;
    const bool everyone = m.names.size() == all.size();
    std::string allowed = m.key->allowed;
    std::string meaning = m.key->meaning;
    if (m.key->name == "name") {
      allowed = choices_markdown(algorithm_names());
      meaning.clear();
      for (const AlgorithmType* type : algorithm_catalog()) {
        meaning += (meaning.empty() ? "" : " ") + code(type->name()) + ": " + type->summary();
      }
    }
    out += "| " + code(m.key->name) + " | " + m.key->type + " | " +
           default_text(*m.key, m.default_value, "") + " | " + allowed + " | " +
           (everyone ? "all" : applies) + " | " + meaning + " |\n";
  }
  return out;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string algorithm_types_table() {
  std::string out =
      "| Algorithm | What it does | Lazy | Compresses | Error feedback | Server keeps vectors | "
      "Computes per worker and iteration |\n|---|---|---|---|---|---|---|\n";
  for (const AlgorithmType* type : algorithm_catalog()) {
    if (is_composed(*type)) continue;  // its traits depend on its rule and compressor
    const AlgorithmTraits& t = type->traits();
    out += "| " + code(type->name()) + " | " + type->summary() + " | " + yes_no(t.lazy) + " | " +
           yes_no(t.compresses) + " | " + yes_no(t.error_feedback) + " | " +
           yes_no(t.stores_vectors) + " | " + t.cost + " |\n";
  }
  return out;
}

std::string numbers_text(const std::vector<double>& values) {
  std::string s;
  for (double v : values) s += (s.empty() ? "" : ", ") + JsonReader::format_number(v);
  return values.size() > 1 ? "(" + s + ")" : s;
}

std::string count_text(int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

// One row per dataset of the catalog.
std::string datasets_table() {
  std::string out =
      "| `dataset` | default `path` | files | default `normalize` mean / std | shape | classes | "
      "train / test samples | source |\n|---|---|---|---|---|---|---|---|\n";
  for (DatasetKind kind : dataset_kinds()) {
    const DatasetFacts& f = dataset_facts(kind);
    if (f.format == DatasetFormat::kGenerated) {
      out += "| `synthetic` | none | none | 0 / 1 per channel | `synthetic.shape` | "
             "`synthetic.classes` | `synthetic.train_size` / `synthetic.test_size` | " +
             std::string(f.source) + " |\n";
      continue;
    }
    std::string files;
    for (const std::string& file : dataset_files(kind)) files += (files.empty() ? "" : ", ") + code(file);
    if (f.format == DatasetFormat::kIdx) files += " (each plain or `.gz`)";
    out += "| " + code(to_string(kind)) + " | " + code(f.default_path) + " | " + files + " | " +
           numbers_text(f.mean) + " / " + numbers_text(f.std) + " | " + std::to_string(f.channels) +
           " x " + std::to_string(f.height) + " x " + std::to_string(f.width) + " | " +
           std::to_string(f.classes) + " | " + count_text(f.train_size) + " / " +
           count_text(f.test_size) + " | " + f.source + " |\n";
  }
  return out;
}

}  // namespace

std::vector<std::string> generated_table_ids() {
  std::vector<std::string> ids;
  for (const SchemaTable& t : schema_tables()) ids.push_back(t.id);
  ids.emplace_back("datasets");
  ids.emplace_back("algorithms");
  ids.emplace_back("composed");
  ids.emplace_back("algorithm-types");
  return ids;
}

std::string markdown_table(const std::string& id) {
  if (id == "datasets") return datasets_table();
  if (id == "algorithms") return algorithms_table();
  if (id == "algorithm-types") return algorithm_types_table();
  if (id == "composed") return section_table(find_algorithm_type(ComposedOptions::kName)->keys());
  for (const SchemaTable& t : schema_tables()) {
    if (t.id == id) return section_table(*t.section);
  }
  throw std::out_of_range("no generated table \"" + id + "\"");
}

std::string schema_markdown() {
  std::string out;
  for (const std::string& id : generated_table_ids()) {
    out += (out.empty() ? "" : "\n") + std::string("### ") + code(id) + "\n\n" + markdown_table(id);
  }
  return out;
}

std::string update_generated_tables(const std::string& text) {
  std::string out;
  size_t at = 0;
  for (size_t begin = text.find(kBegin); begin != std::string::npos;
       begin = text.find(kBegin, at)) {
    const size_t id_start = begin + std::string(kBegin).size();
    const size_t id_end = text.find(" -->", id_start);
    const size_t end = text.find(kEnd, id_start);
    if (id_end == std::string::npos || end == std::string::npos || id_end > end) {
      throw std::invalid_argument("a generated-table marker without its end marker \"" +
                                  std::string(kEnd) + "\"");
    }
    const std::string id = text.substr(id_start, id_end - id_start);
    std::string table;
    try {
      table = markdown_table(id);
    } catch (const std::out_of_range&) {
      throw std::invalid_argument("unknown generated table \"" + id + "\"");
    }
    out += text.substr(at, id_end + 4 - at) + "\n" + table;
    at = end;
  }
  return out + text.substr(at);
}

}  // namespace sasgsim
