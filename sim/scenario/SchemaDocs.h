// The scenario schema for people and editors: Markdown key tables (the ones in
// scenarios/README.md and docs/algorithms.md are generated between markers and a test holds
// them equal) and a JSON Schema (draft 2020-12) that editors use to complete and check files.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim {

// The ids of the generated tables, in document order: "top", "data", ..., "algorithms",
// "algorithm-types".
std::vector<std::string> generated_table_ids();

// One generated table (Markdown, ending with a newline); throws std::out_of_range for an
// unknown id.
std::string markdown_table(const std::string& id);

// Every table with a heading, as `sasgsim schema --markdown` prints them.
std::string schema_markdown();

// The JSON Schema of a scenario file.
nlohmann::json scenario_json_schema();

// `text` with every generated block replaced by its current table. A block is
//   <!-- generated: sasgsim schema --markdown, table ID -->
//   ...
//   <!-- end of generated table -->
// Throws std::invalid_argument for an unknown id or a block without its end marker.
std::string update_generated_tables(const std::string& text);

}  // namespace sasgsim
