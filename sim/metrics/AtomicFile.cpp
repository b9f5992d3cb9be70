#include "sim/metrics/AtomicFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sasgsim {
namespace {

void ensure_parent(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

void rename_or_throw(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) throw std::runtime_error("cannot rename " + from + " to " + to + ": " + ec.message());
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  ensure_parent(path);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("error writing " + tmp);
  }
  rename_or_throw(tmp, path);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), partial_path_(path_ + ".partial") {
  ensure_parent(path_);
  out_.open(partial_path_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    throw std::runtime_error("cannot write " + partial_path_ + ": " + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() = default;

void AtomicFile::commit() {
  if (committed_) return;
  out_.flush();
  if (!out_) throw std::runtime_error("error writing " + partial_path_);
  out_.close();
  rename_or_throw(partial_path_, path_);
  committed_ = true;
}

}  // namespace sasgsim
