// Files appear complete or not at all: content goes to a temporary name in the same
// directory and is renamed into place, so an interrupted run never leaves a half-written
// result that looks complete.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

namespace sasgsim {

// Writes `content` to `path` atomically (creating parent directories). Throws on I/O errors.
void write_file_atomically(const std::string& path, std::string_view content);

// A file written incrementally under "<path>.partial" and renamed to `path` by commit().
// Destroying it without commit() leaves only the .partial file.
class AtomicFile {
 public:
  // kNew starts "<path>.partial" empty; kContinue opens nothing until continue_at().
  enum class Start { kNew, kContinue };
  explicit AtomicFile(std::string path, Start start = Start::kNew);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ofstream& stream() { return out_; }
  // Flushes what was written to the partial file; returns its length in bytes.
  int64_t flush();
  // Continues an interrupted file: cuts "<path>.partial" back to `bytes` (what flush() returned
  // at a checkpoint) and appends from there. Throws when it is missing or shorter.
  void continue_at(int64_t bytes);
  void commit();

 private:
  std::string path_;
  std::string partial_path_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace sasgsim
