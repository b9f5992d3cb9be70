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

void write_file_atomically(const std::string& path, std::string_view content) {
  ensure_parent(path);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw std::runtime_error("error writing " + tmp);
  }
  rename_or_throw(tmp, path);
}

AtomicFile::AtomicFile(std::string path, Start start)
    : path_(std::move(path)), partial_path_(path_ + ".partial") {
  if (start == Start::kContinue) return;
  ensure_parent(path_);
  out_.open(partial_path_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    throw std::runtime_error("cannot write " + partial_path_ + ": " + std::strerror(errno));
  }
}

int64_t AtomicFile::flush() {
  out_.flush();
  if (!out_) throw std::runtime_error("error writing " + partial_path_);
  // The file's size, not tellp(): a stream opened for appending reports 0 until it writes.
  return static_cast<int64_t>(std::filesystem::file_size(partial_path_));
}

void AtomicFile::continue_at(int64_t bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(partial_path_, ec);
  if (ec || bytes < 0 || static_cast<uintmax_t>(bytes) > size) {
    throw std::runtime_error("cannot continue " + partial_path_ + " at byte " +
                             std::to_string(bytes) + ": " +
                             (ec ? ec.message() : "the file is shorter"));
  }
  out_.close();
  std::filesystem::resize_file(partial_path_, static_cast<uintmax_t>(bytes));
  out_.open(partial_path_, std::ios::binary | std::ios::app);
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
