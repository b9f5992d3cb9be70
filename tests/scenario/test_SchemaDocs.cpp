// The documentation generated from the schema: the key tables in scenarios/README.md and
// docs/algorithms.md must be the generated ones, and the JSON Schema must list every key.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/scenario/ScenarioSchema.h"
#include "sim/scenario/SchemaDocs.h"

namespace sasgsim {
namespace {

using nlohmann::json;

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(SASGSIM_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file's generated tables equal what the schema generates now (the fix is
// `build/sasgsim schema --update FILE`), and every table appears in one of the files.
TEST(SchemaDocs, DocumentedTablesAreTheGeneratedOnes) {
  std::string all;
  for (const char* file : {"scenarios/README.md", "docs/algorithms.md"}) {
    const std::string text = read_source_file(file);
    EXPECT_EQ(update_generated_tables(text), text)
        << file << " differs from the schema: run `build/sasgsim schema --update " << file << "`";
    all += text;
  }
  for (const std::string& id : generated_table_ids()) {
    EXPECT_NE(all.find("<!-- generated: sasgsim schema --markdown, table " + id + " -->"),
              std::string::npos)
        << "table " << id << " is in no documentation file";
  }
}

TEST(SchemaDocs, UpdateReplacesOnlyBetweenTheMarkers) {
  const std::string text =
      "# Title\n<!-- generated: sasgsim schema --markdown, table data.synthetic -->\nold\n"
      "<!-- end of generated table -->\nafter\n";
  const std::string updated = update_generated_tables(text);
  EXPECT_EQ(updated, "# Title\n<!-- generated: sasgsim schema --markdown, table data.synthetic -->\n" +
                         markdown_table("data.synthetic") + "<!-- end of generated table -->\nafter\n");
  EXPECT_THROW(update_generated_tables("<!-- generated: sasgsim schema --markdown, table x -->\n"
                                       "<!-- end of generated table -->"),
               std::invalid_argument);
  EXPECT_THROW(update_generated_tables("<!-- generated: sasgsim schema --markdown, table top -->"),
               std::invalid_argument);
}

TEST(SchemaDocs, TablesHaveARowPerKey) {
  const std::string network = markdown_table("network");
  for (const KeyInfo* key : network_section().key_infos()) {
    EXPECT_NE(network.find("| `" + key->name + "` |"), std::string::npos) << key->name;
  }
  EXPECT_NE(network.find("| `transport.segment_size` | integer | `1448` | 1 .. 65000 | bytes |"),
            std::string::npos)
      << network;
  const std::string algorithms = markdown_table("algorithms");
  EXPECT_NE(algorithms.find("| `density` | number | `0.01` | (0, 1] | sparse, sasg |"),
            std::string::npos)
      << algorithms;
}

void expect_every_key_in(const json& schema, const SectionInfo& section, const std::string& where) {
  ASSERT_TRUE(schema.contains("properties")) << where;
  EXPECT_EQ(schema["additionalProperties"], false) << where;
  for (const KeyInfo* key : section.key_infos()) {
    ASSERT_TRUE(schema["properties"].contains(key->name)) << where << "." << key->name;
    EXPECT_EQ(schema["properties"][key->name]["description"], key->meaning) << key->name;
  }
}

TEST(SchemaDocs, JsonSchemaListsEveryKeyWithItsMeaning) {
  const json schema = scenario_json_schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  expect_every_key_in(schema, scenario_section(), "top");
  expect_every_key_in(schema["properties"]["network"], network_section(), "network");
  expect_every_key_in(schema["properties"]["train"], train_section(), "train");
  EXPECT_EQ(schema["required"], json({"name", "data", "train", "algorithms"}));
  EXPECT_EQ(schema["properties"]["workers"]["maximum"], 1024);
  EXPECT_EQ(schema["properties"]["network"]["properties"]["backend"]["enum"],
            json({"ns3", "analytic"}));
}

}  // namespace
}  // namespace sasgsim
