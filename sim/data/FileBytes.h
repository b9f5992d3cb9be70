// Whole-file reads for the dataset loaders. Gzip files (recognized by their magic bytes or a
// .gz name) are inflated with zlib, so every reader accepts both plain and compressed files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sasgsim {

// The file's (decompressed) contents. Throws DataError naming the file when it is missing,
// unreadable, or a corrupt or truncated gzip stream.
std::vector<uint8_t> read_file_bytes(const std::string& file);

// Whether `file` starts with the gzip magic bytes 1f 8b (false when it cannot be read).
bool is_gzip_file(const std::string& file);

}  // namespace sasgsim
