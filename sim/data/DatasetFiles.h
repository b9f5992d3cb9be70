// Which files each dataset needs (torch-free, so the scenario parser can check them).
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// The directory used when a scenario gives no data path for this dataset (relative paths are
// relative to the current directory); empty for synthetic.
std::string default_dataset_path(DatasetKind kind);

// The expected files that are missing from `directory`, as a list of file names
// (for IDX files, either the plain or the .gz name satisfies the check). Empty when all exist.
std::vector<std::string> missing_dataset_files(DatasetKind kind, const std::string& directory);

}  // namespace sasgsim
