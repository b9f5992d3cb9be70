#include "sim/data/DatasetFiles.h"

#include <filesystem>
#include <system_error>

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& p) {
  std::error_code ec;  // unreadable counts as missing; the loader reports the details
  return fs::is_regular_file(p, ec);
}

void check_source(const DatasetSource& src, const std::string& path_key,
                  std::vector<ScenarioIssue>& issues) {
  std::string problem = missing_files_problem(src, path_key);
  if (!problem.empty()) issues.push_back({"." + path_key, std::move(problem)});
}

}  // namespace

std::vector<std::string> missing_dataset_files(DatasetKind kind, const std::string& directory) {
  const fs::path dir(directory);
  const bool idx = dataset_facts(kind).format == DatasetFormat::kIdx;
  std::vector<std::string> missing;
  for (const std::string& name : dataset_files(kind)) {
    if (!is_file(dir / name) && !(idx && is_file(dir / (name + ".gz")))) missing.push_back(name);
  }
  return missing;
}

std::string source_directory(const DatasetSource& source) {
  return source.path.empty() ? dataset_directory(dataset_facts(source.kind).default_path)
                             : source.path;
}

std::string missing_files_problem(const DatasetSource& src, const std::string& path_key) {
  if (src.kind == DatasetKind::kSynthetic) return "";
  const std::string dir = source_directory(src);
  const std::vector<std::string> missing = missing_dataset_files(src.kind, dir);
  if (missing.empty()) return "";
  std::error_code ec;
  const bool exists = fs::is_directory(dir, ec);
  const bool defaulted = dir == dataset_directory(dataset_facts(src.kind).default_path);
  const bool idx = dataset_facts(src.kind).format == DatasetFormat::kIdx;
  std::string list;
  for (const std::string& f : missing) list += (list.empty() ? "" : ", ") + f;
  return "missing " + std::string(to_string(src.kind)) + " file" +
         (missing.size() == 1 ? "" : "s") + " in " + dir +
         (defaulted ? " (the default " + path_key + ")" : "") +
         (exists ? "" : " (the directory does not exist)") + ": " + list +
         (idx ? " (plain or .gz)" : "") + "; " + how_to_fetch(src.kind, dir, path_key);
}

std::vector<ScenarioIssue> check_dataset_files(const DataOptions& data) {
  std::vector<ScenarioIssue> issues;
  check_source(data.primary, "data.path", issues);
  if (data.secondary) check_source(*data.secondary, "data.second.path", issues);
  return issues;
}

void require_dataset_files(const DataOptions& data, const std::string& source) {
  std::vector<ScenarioIssue> issues = check_dataset_files(data);
  if (!issues.empty()) throw ScenarioError(source, std::move(issues));
}

}  // namespace sasgsim
