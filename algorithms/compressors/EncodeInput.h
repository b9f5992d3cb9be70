// The check every compressor's encode makes of its input vector.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace sasgsim {

// Throws std::logic_error naming `compressor` unless p is a defined float32 [numel] vector on
// `device`'s type of device.
void check_encode_input(const char* compressor, const torch::Tensor& p, int64_t numel,
                        const torch::Device& device);

}  // namespace sasgsim
