// IDX readers (the MNIST format): a big-endian header of magic number and dimensions, then
// unsigned bytes. Images use magic 2051 (3 dimensions), labels 2049 (1 dimension).
#include <cstring>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sim/data/Dataset.h"
#include "sim/data/FileBytes.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

constexpr uint32_t kImagesMagic = 2051;
constexpr uint32_t kLabelsMagic = 2049;

uint32_t big_endian_u32(const std::vector<uint8_t>& bytes, size_t offset) {
  return (uint32_t{bytes[offset]} << 24) | (uint32_t{bytes[offset + 1]} << 16) |
         (uint32_t{bytes[offset + 2]} << 8) | uint32_t{bytes[offset + 3]};
}

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw DataError(file + ": " + what);
}

void check_magic(const std::string& file, const std::vector<uint8_t>& bytes, uint32_t expected,
                 const char* what) {
  const uint32_t magic = big_endian_u32(bytes, 0);
  if (magic == expected) return;
  std::string message = "bad IDX magic number " + std::to_string(magic) + ", expected " +
                        std::to_string(expected) + " (" + what + ")";
  if (magic == kImagesMagic) message += "; this looks like an IDX image file";
  if (magic == kLabelsMagic) message += "; this looks like an IDX label file";
  fail(file, message);
}

void check_length(const std::string& file, size_t actual, uint64_t expected,
                  const std::string& header) {
  if (actual == expected) return;
  fail(file, "file holds " + std::to_string(actual) + " bytes but its header (" + header +
                 ") needs " + std::to_string(expected) +
                 (actual < expected ? " (truncated)" : " (trailing data)"));
}

}  // namespace

torch::Tensor read_idx_images(const std::string& file) {
  const std::vector<uint8_t> bytes = read_file_bytes(file);
  constexpr size_t kHeader = 16;
  if (bytes.size() >= 4) {
    check_magic(file, bytes, kImagesMagic, "IDX unsigned-byte images with 3 dimensions");
  }
  if (bytes.size() < kHeader) {
    fail(file, "file holds " + std::to_string(bytes.size()) +
                   " bytes, too short for an IDX image header (16 bytes)");
  }
  const uint64_t n = big_endian_u32(bytes, 4);
  const uint64_t h = big_endian_u32(bytes, 8);
  const uint64_t w = big_endian_u32(bytes, 12);
  if (h == 0 || w == 0) {
    fail(file, "image size " + std::to_string(h) + "x" + std::to_string(w) + " is empty");
  }
  check_length(file, bytes.size(), kHeader + n * h * w,
               std::to_string(n) + " images of " + std::to_string(h) + "x" + std::to_string(w));
  torch::Tensor images = torch::empty({static_cast<int64_t>(n), 1, static_cast<int64_t>(h),
                                       static_cast<int64_t>(w)},
                                      torch::kUInt8);
  if (n > 0) std::memcpy(images.data_ptr<uint8_t>(), bytes.data() + kHeader, n * h * w);
  return images;
}

torch::Tensor read_idx_labels(const std::string& file) {
  const std::vector<uint8_t> bytes = read_file_bytes(file);
  constexpr size_t kHeader = 8;
  if (bytes.size() >= 4) {
    check_magic(file, bytes, kLabelsMagic, "IDX unsigned-byte labels with 1 dimension");
  }
  if (bytes.size() < kHeader) {
    fail(file, "file holds " + std::to_string(bytes.size()) +
                   " bytes, too short for an IDX label header (8 bytes)");
  }
  const uint64_t n = big_endian_u32(bytes, 4);
  check_length(file, bytes.size(), kHeader + n, std::to_string(n) + " labels");
  torch::Tensor labels = torch::empty({static_cast<int64_t>(n)}, torch::kInt64);
  int64_t* out = labels.data_ptr<int64_t>();
  for (uint64_t i = 0; i < n; ++i) out[i] = bytes[kHeader + i];
  return labels;
}

}  // namespace sasgsim
