// Training-time augmentation of a minibatch, as torchvision's RandomCrop(size, padding),
// RandomHorizontalFlip and RandomRotation(degrees) in that order, with every draw taken from
// the caller's seeded generator.
#pragma once

#include <random>
#include <vector>

#include <torch/types.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// images: float32 [b, C, H, W]. Per sample, draws the crop offsets (row, then column, each in
// [0, 2 * crop_padding]), then, if enabled, a flip bit, then, if rotation_degrees > 0, an
// angle uniform in [-rotation_degrees, rotation_degrees]. Padding and the corners a rotation
// uncovers take pad_value[c] (the normalized value of a black pixel, one per channel).
// Returns a new tensor of the same shape.
torch::Tensor augment_batch(const torch::Tensor& images, const AugmentOptions& options,
                            const std::vector<float>& pad_value, std::mt19937_64& rng);

// image: float32 [C, H, W], rotated counter-clockwise (as displayed, rows top to bottom) by
// `degrees` about its centre, nearest-neighbour sampling (torchvision's default); pixels
// whose source lies outside the image take fill[c]. 90 degrees on a square image equals
// image.rot90(1, {1, 2}).
torch::Tensor rotate_image(const torch::Tensor& image, double degrees,
                           const std::vector<float>& fill);

}  // namespace sasgsim
