// A run's uploads trace read back: the rows it wrote of each iteration's uploads (uploads.csv),
// of the workers that did not upload (skips.csv) and of its computation (iterations.csv), as
// what the network was given. A replay re-times a finished run from them; a resumed run
// re-times the iterations before its checkpoint, which rebuilds its network's state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/net/Network.h"
#include "sim/runtime/RunRecorder.h"

namespace sasgsim {

// A CSV file with a header: rows of cells, looked up by column name. Throws DataError naming
// the file for a missing file, a missing column or a cell that is not what is asked.
struct Csv {
  std::filesystem::path path;
  std::map<std::string, size_t> column;
  std::vector<std::vector<std::string>> rows;

  explicit Csv(const std::filesystem::path& p);
  size_t index(const std::string& name) const;
  int64_t integer(const std::vector<std::string>& row, size_t i) const;
  double number(const std::vector<std::string>& row, size_t i) const;
};

// The whole text of `path`; throws DataError naming it when it cannot be read.
std::string read_text(const std::filesystem::path& path);

class UploadsTrace {
 public:
  UploadsTrace(Csv uploads, Csv skips, Csv iterations, int workers);

  // Rows of iterations.csv: the iterations the trace holds.
  int64_t iterations() const { return static_cast<int64_t>(iterations_.rows.size()); }
  // Iteration t's uploads and its computation, every worker's time from its upload or its
  // skip; iterations are read in order from 0.
  std::vector<UploadRecord> uploads(int64_t t);
  ComputeSpan compute_span(int64_t t, const std::vector<UploadRecord>& uploads);
  // Whether every upload and skip row has been read (none out of order or beyond the end).
  bool all_read() const;

 private:
  Csv uploads_;
  Csv skips_;
  Csv iterations_;
  int workers_;
  size_t next_upload_ = 0;
  size_t next_skip_ = 0;
};

}  // namespace sasgsim
