#include "sim/data/FileBytes.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw DataError(file + ": " + what);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void check_regular_file(const std::string& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) fail(file, "no such file");
  if (!fs::is_regular_file(st)) fail(file, "not a regular file");
}

std::vector<uint8_t> read_plain(const std::string& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) fail(file, std::string("cannot open (") + std::strerror(errno) + ")");
  const std::streamoff size = in.tellg();
  if (size < 0) fail(file, "cannot determine the file size");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    fail(file, "read error after " + std::to_string(in.gcount()) + " of " +
                   std::to_string(size) + " bytes");
  }
  return bytes;
}

std::vector<uint8_t> read_gzip(const std::string& file) {
  gzFile gz = gzopen(file.c_str(), "rb");
  if (gz == nullptr) fail(file, std::string("cannot open (") + std::strerror(errno) + ")");
  gzbuffer(gz, 1 << 18);
  std::vector<uint8_t> bytes;
  constexpr size_t kChunk = size_t{1} << 22;
  for (;;) {
    const size_t old = bytes.size();
    bytes.resize(old + kChunk);
    const int n = gzread(gz, bytes.data() + old, static_cast<unsigned>(kChunk));
    if (n < 0) {
      int errnum = Z_OK;
      const std::string message = gzerror(gz, &errnum);
      gzclose(gz);
      fail(file, "corrupt or truncated gzip data (" + message + ")");
    }
    bytes.resize(old + static_cast<size_t>(n));
    if (n == 0) break;
  }
  // gzclose reports a stream that ended in the middle of a member.
  const int rc = gzclose(gz);
  if (rc != Z_OK) fail(file, "truncated gzip data (zlib error " + std::to_string(rc) + ")");
  return bytes;
}

}  // namespace

bool is_gzip_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  if (!in.read(reinterpret_cast<char*>(magic), 2)) return false;
  return magic[0] == 0x1f && magic[1] == 0x8b;
}

std::vector<uint8_t> read_file_bytes(const std::string& file) {
  check_regular_file(file);
  if (ends_with(file, ".gz") || is_gzip_file(file)) return read_gzip(file);
  return read_plain(file);
}

}  // namespace sasgsim
