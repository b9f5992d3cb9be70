// Bringing two datasets' samples to one shape for by_dataset partitions: a 1-channel dataset
// is replicated to the other's channel count, and smaller images are padded (centered) to the
// larger height and width with the dataset's black value (a black border, as 28->32 pads 2).
#pragma once

#include <vector>

#include <torch/types.h>

#include "sim/data/Dataset.h"

namespace sasgsim {

// The common {C, H, W} of two sample shapes. Throws DataError when the channel counts differ
// and neither is 1.
std::vector<int64_t> common_sample_shape(const std::vector<int64_t>& a,
                                         const std::vector<int64_t>& b);

// Writes `images` ([n, C', H', W'], C' = C or 1, H' <= H, W' <= W) into `out` ([n, C, H, W]),
// centered (odd leftovers go to the bottom/right), the border filled with pad_value per source
// channel.
void convert_images_into(const torch::Tensor& images, const std::vector<float>& pad_value,
                         torch::Tensor out);

// `source` converted to `shape` (a copy; labels are shared), pad_value replicated as needed.
Dataset convert_to_shape(const Dataset& source, const std::vector<int64_t>& shape);

}  // namespace sasgsim
