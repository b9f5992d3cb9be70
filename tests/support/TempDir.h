// A temporary directory of a test's own: mkdtemp makes its name unique across tests, processes
// and concurrent test runs (ctest -j, two checkouts), and it is removed with everything in it
// when the TempDir goes.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace sasgsim::test {

class TempDir {
 public:
  // `prefix` names the directory for whoever finds it: <tmp>/<prefix>_XXXXXX.
  explicit TempDir(const std::string& prefix = "sasgsim_test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

  // Creates an (empty) file, and the directories on the way.
  std::filesystem::path touch(const std::string& relative) const { return write(relative, "\n"); }
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace sasgsim::test
