// Finished results directories, as the sweep and multi-seed runners see them.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace sasgsim {

// The JSON in `path`; throws DataError naming the file when it is missing or not JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);

// True when `dir` holds a complete run (manifest.json with "complete": true) of exactly
// `scenario` (the resolved scenario), so that running it again can be skipped.
bool run_complete(const std::filesystem::path& dir, const nlohmann::json& scenario);

}  // namespace sasgsim
