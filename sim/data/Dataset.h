// A whole dataset split in memory as normalized tensors, and the loaders that build one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

struct Dataset {
  torch::Tensor images;  // float32 [N, C, H, W], normalized per channel
  torch::Tensor labels;  // int64 [N]
  int64_t classes = 0;
  // Per channel: the normalized value of a black (0) raw pixel, used to fill padding.
  std::vector<float> pad_value;
  int64_t size() const { return labels.size(0); }
};

struct DatasetSplits {
  Dataset train;
  Dataset test;
};

// Per-channel normalization statistics.
struct Normalization {
  std::vector<double> mean;
  std::vector<double> std;
};

// The usual statistics of `kind` (synthetic: mean 0, std 1), used when a source gives none.
Normalization default_normalization(DatasetKind kind);

// Loads and normalizes both splits of `source` (synthetic data is drawn from `seed`).
// Throws DataError naming the file and the problem for missing or malformed files.
DatasetSplits load_dataset(const DatasetSource& source, uint64_t seed);

// Readers for the raw formats (exposed for tests). IDX files may be plain or gzip-compressed.
torch::Tensor read_idx_images(const std::string& file);  // uint8 [N, 1, H, W]
torch::Tensor read_idx_labels(const std::string& file);  // int64 [N]
// CIFAR binary batches: records of <label byte(s)><3072 pixel bytes>; CIFAR-100 has a coarse
// and a fine label byte and we keep the fine one. Returns uint8 [N, 3, 32, 32] and int64 [N].
void read_cifar_batch(const std::string& file, bool cifar100, torch::Tensor& images,
                      torch::Tensor& labels);

}  // namespace sasgsim
