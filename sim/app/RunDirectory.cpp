#include "sim/app/RunDirectory.h"

#include <fstream>

#include <fmt/format.h>

#include "sim/scenario/Errors.h"

namespace sasgsim {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw DataError(fmt::format("cannot read {}", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{} is not valid JSON: {}", path.string(), e.what()));
  }
}

bool run_complete(const std::filesystem::path& dir, const nlohmann::json& scenario) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / "manifest.json", ec)) return false;
  try {
    const nlohmann::json m = read_json_file(dir / "manifest.json");
    return m.value("complete", false) && m.at("scenario") == scenario;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace sasgsim
