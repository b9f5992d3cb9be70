// Training-time augmentation of a minibatch, as torchvision's RandomCrop(size, padding)
// followed by RandomHorizontalFlip, with every draw taken from the caller's seeded generator.
#pragma once

#include <random>
#include <vector>

#include <torch/types.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// images: float32 [b, C, H, W]. Per sample, draws the crop offsets (row, then column, each in
// [0, 2 * crop_padding]) and then, if enabled, a flip bit; padding takes pad_value[c] (the
// normalized value of a black pixel, one per channel). Returns a new tensor of the same shape.
torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            const std::vector<float>& pad_value, std::mt19937_64& rng);

}  // namespace sasgsim
