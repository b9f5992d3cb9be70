#include "sim/data/DatasetFiles.h"

#include <filesystem>
#include <system_error>

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& p) {
  std::error_code ec;  // unreadable counts as missing; the loader reports the details
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string default_dataset_path(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kMnist: return "data/mnist";
    case DatasetKind::kFashionMnist: return "/usr/share/datasets/fashion-mnist";
    case DatasetKind::kCifar10: return "data/cifar10";
    case DatasetKind::kCifar100: return "data/cifar100";
    case DatasetKind::kSynthetic: return "";
  }
  return "";
}

std::vector<std::string> missing_dataset_files(DatasetKind kind, const std::string& directory) {
  const fs::path dir(directory);
  std::vector<std::string> missing;
  switch (kind) {
    case DatasetKind::kMnist:
    case DatasetKind::kFashionMnist:
      for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        if (!is_file(dir / name) && !is_file(dir / (std::string(name) + ".gz"))) {
          missing.emplace_back(name);
        }
      }
      break;
    case DatasetKind::kCifar10:
      for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                               "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
        if (!is_file(dir / name)) missing.emplace_back(name);
      }
      break;
    case DatasetKind::kCifar100:
      for (const char* name : {"train.bin", "test.bin"}) {
        if (!is_file(dir / name)) missing.emplace_back(name);
      }
      break;
    case DatasetKind::kSynthetic:
      break;
  }
  return missing;
}

}  // namespace sasgsim
