// Helpers shared by the compressor tests: a CompressorSetup, the decoded message of a slot, and
// a tensor's entries as a std::vector.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "algorithms/compressors/Compressor.h"

namespace sasgsim::test {

inline CompressorSetup compressor_setup(std::vector<TensorSlice> slices, int workers,
                                        uint64_t seed, int slots) {
  CompressorSetup setup;
  setup.workers = workers;
  setup.slices = std::move(slices);
  setup.seed = seed;
  setup.slots = slots;
  return setup;
}

// The message of `slot` decoded into a vector of n entries first filled with 123 (so that an
// entry the decoder forgets shows).
inline torch::Tensor decoded(const Compressor& c, int slot, int64_t n) {
  torch::Tensor out = torch::full({n}, 123.0f);
  c.decode_into(slot, out);
  return out;
}

template <typename T = float>
std::vector<T> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

}  // namespace sasgsim::test
