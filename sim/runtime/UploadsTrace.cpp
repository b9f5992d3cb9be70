#include "sim/runtime/UploadsTrace.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/metrics/ResultSchema.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(fmt::format("cannot read {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Csv::Csv(const fs::path& p) : path(p) {
  std::istringstream in(read_text(p));
  std::string line;
  if (!std::getline(in, line)) throw DataError(fmt::format("{} is empty", p.string()));
  const std::vector<std::string> header = results::csv_cells(line);
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rows.push_back(results::csv_cells(line));
    if (rows.back().size() != header.size()) {
      throw DataError(fmt::format("{}: line {} has {} cells, the header {}", p.string(),
                                  rows.size() + 1, rows.back().size(), header.size()));
    }
  }
}

size_t Csv::index(const std::string& name) const {
  auto it = column.find(name);
  if (it == column.end()) {
    throw DataError(fmt::format("{} has no column \"{}\"", path.string(), name));
  }
  return it->second;
}

int64_t Csv::integer(const std::vector<std::string>& row, size_t i) const {
  try {
    size_t used = 0;
    const long long v = std::stoll(row[i], &used);
    if (used == row[i].size()) return v;
  } catch (const std::exception&) {
  }
  throw DataError(fmt::format("{}: \"{}\" is not an integer", path.string(), row[i]));
}

double Csv::number(const std::vector<std::string>& row, size_t i) const {
  char* end = nullptr;
  const double v = std::strtod(row[i].c_str(), &end);
  if (!row[i].empty() && *end == '\0') return v;
  throw DataError(fmt::format("{}: \"{}\" is not a number", path.string(), row[i]));
}

UploadsTrace::UploadsTrace(Csv uploads, Csv skips, Csv iterations, int workers)
    : uploads_(std::move(uploads)),
      skips_(std::move(skips)),
      iterations_(std::move(iterations)),
      workers_(workers) {}

std::vector<UploadRecord> UploadsTrace::uploads(int64_t t) {
  const Csv& u = uploads_;
  const size_t iteration = u.index("iteration"), worker = u.index("worker"),
               values = u.index("values"), bytes = u.index("payload_bytes"),
               forced = u.index("forced"), computed = u.index("computed_s");
  std::vector<UploadRecord> batch;
  while (next_upload_ < u.rows.size() && u.integer(u.rows[next_upload_], iteration) == t) {
    const auto& row = u.rows[next_upload_++];
    batch.push_back(UploadRecord{static_cast<int>(u.integer(row, worker)), u.integer(row, values),
                                 u.integer(row, bytes), u.integer(row, forced) != 0,
                                 u.number(row, computed)});
  }
  return batch;
}

ComputeSpan UploadsTrace::compute_span(int64_t t, const std::vector<UploadRecord>& uploads) {
  if (t < 0 || t >= iterations()) {
    throw DataError(fmt::format("{}: no row for iteration {}", iterations_.path.string(), t));
  }
  const std::vector<std::string>& row = iterations_.rows[static_cast<size_t>(t)];
  ComputeSpan span;
  span.slowest_s = iterations_.number(row, iterations_.index("compute_s"));
  span.worker0_s = iterations_.number(row, iterations_.index("worker0_computed_s"));
  constexpr double kUnset = -1.0;
  span.workers_s.assign(static_cast<size_t>(workers_), kUnset);
  for (const UploadRecord& up : uploads) {
    if (up.worker >= 0 && up.worker < workers_) span.workers_s[up.worker] = up.computed_s;
  }
  const size_t iteration = skips_.index("iteration"), worker = skips_.index("worker"),
               computed = skips_.index("computed_s");
  while (next_skip_ < skips_.rows.size() &&
         skips_.integer(skips_.rows[next_skip_], iteration) == t) {
    const auto& skip = skips_.rows[next_skip_++];
    const int64_t m = skips_.integer(skip, worker);
    if (m < 0 || m >= workers_ || span.workers_s[m] != kUnset) {
      throw DataError(fmt::format("{}: iteration {} lists worker {} twice or out of range",
                                  skips_.path.string(), t, m));
    }
    span.workers_s[m] = skips_.number(skip, computed);
  }
  if (std::find(span.workers_s.begin(), span.workers_s.end(), kUnset) != span.workers_s.end()) {
    throw DataError(fmt::format("{}: iteration {} has a worker neither in uploads.csv nor in "
                                "skips.csv",
                                skips_.path.string(), t));
  }
  return span;
}

bool UploadsTrace::all_read() const {
  return next_upload_ == uploads_.rows.size() && next_skip_ == skips_.rows.size();
}

}  // namespace sasgsim
