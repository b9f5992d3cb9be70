// Sizes every encoded message shares: the header and the float32 value / int32 index widths.
#pragma once

#include <cstdint>

namespace sasgsim {

// Bytes of the header every upload carries (iteration, worker, count, flags).
constexpr int64_t kUploadHeaderBytes = 16;
// Bytes per float32 value and per int32 index in an encoded upload.
constexpr int64_t kValueBytes = 4;
constexpr int64_t kIndexBytes = 4;

// Size of a dense float32 message of `numel` values (a dense upload, or the model the server
// sends).
constexpr int64_t dense_payload_bytes(int64_t numel) {
  return kUploadHeaderBytes + kValueBytes * numel;
}

// Bytes needed for `bits` bits, rounded up to whole bytes.
constexpr int64_t bytes_for_bits(int64_t bits) { return (bits + 7) / 8; }

}  // namespace sasgsim
