// Files appear complete or not at all: content goes to a temporary name in the same
// directory and is renamed into place, so an interrupted run never leaves a half-written
// result that looks complete.
#pragma once

#include <fstream>
#include <string>

namespace sasgsim {

// Writes `content` to `path` atomically (creating parent directories). Throws on I/O errors.
void write_file_atomically(const std::string& path, const std::string& content);

// A file written incrementally under "<path>.partial" and renamed to `path` by commit().
// Destroying it without commit() leaves only the .partial file.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ofstream& stream() { return out_; }
  void commit();

 private:
  std::string path_;
  std::string partial_path_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace sasgsim
