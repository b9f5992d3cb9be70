// A checked description of a model's input ({C, H, W} per sample) and output (classes),
// shared by the model constructors so that every model rejects malformed shapes the same way.
#pragma once

#include <cstdint>
#include <vector>

namespace sasgsim {

struct ModelShape {
  int64_t channels = 0;  // C
  int64_t height = 0;    // H, pixels
  int64_t width = 0;     // W, pixels
  int64_t classes = 0;   // number of output logits

  // Throws std::invalid_argument naming `model` unless input_shape is {C, H, W} with
  // positive entries and classes >= 1.
  static ModelShape checked(const char* model, const std::vector<int64_t>& input_shape,
                            int64_t classes);
  int64_t sample_numel() const { return channels * height * width; }
};

}  // namespace sasgsim
