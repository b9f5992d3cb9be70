#include "sim/metrics/ResultSchema.h"

#include <sstream>

#include "algorithms/Catalog.h"

namespace sasgsim::results {
namespace {

using nlohmann::json;

json field_json(const Field& f) {
  return {{"name", f.name}, {"unit", f.unit}, {"meaning", f.meaning}};
}

template <size_t N>
json fields_json(const std::array<Field, N>& fields) {
  json list = json::array();
  for (const Field& f : fields) list.push_back(field_json(f));
  return list;
}

template <size_t N>
json fields_json(const std::array<const Field*, N>& fields) {
  json list = json::array();
  for (const Field* f : fields) list.push_back(field_json(*f));
  return list;
}

json algorithms_json() {
  json list = json::array();
  for (const AlgorithmType* type : algorithm_catalog()) {
    const AlgorithmTraits& t = type->traits();
    list.push_back({{"name", type->name()},
                    {"summary", type->summary()},
                    {"lazy", t.lazy},
                    {"compresses", t.compresses},
                    {"error_feedback", t.error_feedback},
                    {"stores_vectors", t.stores_vectors}});
  }
  return list;
}

}  // namespace

json schema_json() {
  return {{"metrics.csv", fields_json(kMetrics)},
          {"uploads.csv", fields_json(kUploads)},
          {"skips.csv", fields_json(kSkips)},
          {"iterations.csv", fields_json(kIterations)},
          {"summary.json",
           {{"always", fields_json(summary::kAlways)},
            {"with_target", fields_json(summary::kWithTarget)}}},
          {"sweep.csv",
           {{"before_keys", {field_json(kSweepPoint), field_json(kSweepAlgorithm)}},
            {"figures", fields_json(kSweepFigures)},
            {"after_figures", {field_json(kSweepTrained)}}}},
          {"algorithms", algorithms_json()}};
}

std::vector<std::string> csv_cells(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> cells;
  std::istringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace sasgsim::results
