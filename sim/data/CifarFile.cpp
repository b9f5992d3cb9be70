// CIFAR binary batches: fixed-size records of label byte(s) followed by 3072 pixel bytes,
// stored as 1024 red, 1024 green, 1024 blue values in row-major order, i.e. [3, 32, 32].
#include <cstring>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sim/data/Dataset.h"
#include "sim/data/FileBytes.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {

void read_cifar_batch(const std::string& file, bool cifar100, torch::Tensor& images,
                      torch::Tensor& labels) {
  constexpr size_t kPixels = 3 * 32 * 32;
  const size_t label_bytes = cifar100 ? 2 : 1;
  const size_t record = label_bytes + kPixels;
  const int64_t classes = cifar100 ? 100 : 10;
  const char* format = cifar100 ? "CIFAR-100" : "CIFAR-10";

  const std::vector<uint8_t> bytes = read_file_bytes(file);
  if (bytes.empty() || bytes.size() % record != 0) {
    throw DataError(file + ": file holds " + std::to_string(bytes.size()) +
                    " bytes, not a positive multiple of the " + format + " record size " +
                    std::to_string(record) + " bytes");
  }
  const auto n = static_cast<int64_t>(bytes.size() / record);
  images = torch::empty({n, 3, 32, 32}, torch::kUInt8);
  labels = torch::empty({n}, torch::kInt64);
  uint8_t* pixels = images.data_ptr<uint8_t>();
  int64_t* out = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* rec = bytes.data() + static_cast<size_t>(i) * record;
    // CIFAR-100 records are <coarse label><fine label>; we keep the fine one.
    const int64_t label = rec[label_bytes - 1];
    if (label >= classes) {
      throw DataError(file + ": record " + std::to_string(i) + " has label " +
                      std::to_string(label) + ", expected 0.." + std::to_string(classes - 1) +
                      " for " + format);
    }
    out[i] = label;
    std::memcpy(pixels + static_cast<size_t>(i) * kPixels, rec + label_bytes, kPixels);
  }
}

}  // namespace sasgsim
