// The scenario schema: every key of a scenario file, declared once (Schema.h) in the sections
// below. The parser, the resolved-scenario writer, `sasgsim schema` and the key tables of
// scenarios/README.md all read it.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/HintIndex.h"
#include "sim/scenario/Scenario.h"
#include "sim/scenario/Schema.h"

namespace sasgsim {

// The top level of a scenario file, with every section nested under it.
const Section<Scenario>& scenario_section();

// "Did you mean" hints over the whole schema.
const HintIndex& scenario_hints();

// The sections, each declared in its own file (ScenarioSchema.cpp, DataSchema.cpp,
// TrainSchema.cpp, NetworkSchema.cpp, ComputeSchema.cpp).
const Section<DataOptions>& data_section();
const Section<DatasetSource>& dataset_source_section();
const Section<SyntheticOptions>& synthetic_section();
const Section<TrainOptions>& train_section();
const Section<NetworkOptions>& network_section();
const Section<LinkOptions>& link_section();
const Section<ComputeOptions>& compute_section();

// A key table of the documentation: its id (as in the markers of scenarios/README.md) and
// its section.
struct SchemaTable {
  std::string id;
  const SectionInfo* section;
};
std::vector<SchemaTable> schema_tables();

}  // namespace sasgsim
