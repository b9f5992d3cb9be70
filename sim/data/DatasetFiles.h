// Whether a scenario's dataset files are there, before they are loaded: the files each
// dataset needs come from the dataset catalog (sim/scenario/DatasetCatalog.h). Torch-free.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// The files of `kind` that are missing from `directory` (for IDX files, either the plain or the
// .gz name satisfies the check); empty when all exist.
std::vector<std::string> missing_dataset_files(DatasetKind kind, const std::string& directory);

// The directory of a file-backed source: its path, or the catalog's default when it has none.
std::string source_directory(const DatasetSource& source);

// "" when every file of `source` is there; else which files are missing, the directory
// searched, and how to get them (`path_key`, e.g. "data.second.path", names the key to set).
std::string missing_files_problem(const DatasetSource& source, const std::string& path_key);

// One issue per dataset of the scenario with missing files (at ".data.path" or
// ".data.second.path").
std::vector<ScenarioIssue> check_dataset_files(const DataOptions& data);

// Throws ScenarioError(source, issues) when check_dataset_files finds any (exit status 2).
void require_dataset_files(const DataOptions& data, const std::string& source);

}  // namespace sasgsim
