// What sasgsim knows about each dataset, in one place and without LibTorch: its name in
// scenario files, sample shape, classes, split sizes, usual normalization, file names, default
// directory and how to fetch it. The scenario layer checks scenarios against it; sim/data loads
// and checks the files from it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/EnumNames.h"

namespace sasgsim {

enum class DatasetKind { kMnist, kFashionMnist, kCifar10, kCifar100, kSynthetic };

template <>
struct EnumNames<DatasetKind> {
  static constexpr std::pair<DatasetKind, const char*> kNames[] = {
      {DatasetKind::kMnist, "mnist"},
      {DatasetKind::kFashionMnist, "fashion-mnist"},
      {DatasetKind::kCifar10, "cifar10"},
      {DatasetKind::kCifar100, "cifar100"},
      {DatasetKind::kSynthetic, "synthetic"},
  };
};

// How a dataset's files are laid out.
enum class DatasetFormat {
  kIdx,             // IDX images and labels, each plain or gzip-compressed (".gz")
  kCifar10Binary,   // CIFAR-10 binary batches: <label byte><3072 pixel bytes> per record
  kCifar100Binary,  // CIFAR-100 binary: <coarse byte><fine byte><3072 pixel bytes>; fine used
  kGenerated,       // drawn in memory from the scenario's seed (no files)
};

struct DatasetFacts {
  DatasetKind kind;
  const char* title;              // "CIFAR-10", as people write it
  DatasetFormat format;
  int64_t channels;               // sample shape C, H, W (0 for synthetic: set by the scenario)
  int64_t height;
  int64_t width;
  int64_t classes;
  int64_t train_size;             // samples in the training split (0 for synthetic)
  int64_t test_size;
  std::vector<double> mean;       // the usual per-channel normalization
  std::vector<double> std;
  std::vector<std::string> train_files;  // IDX: the plain names; ".gz" works too
  std::vector<std::string> test_files;
  const char* default_path;       // relative to the current directory; "" for synthetic
  const char* source;             // where the files come from, for the docs
};

// The facts of `kind`.
const DatasetFacts& dataset_facts(DatasetKind kind);

// Every dataset, in EnumNames order.
std::vector<DatasetKind> dataset_kinds();

// train_files then test_files.
std::vector<std::string> dataset_files(DatasetKind kind);

// A dataset directory as scenarios hold it: absolute (relative paths are relative to the
// current directory), normalized, without a trailing '/'.
std::string dataset_directory(const std::string& path);

// How to get the files of `kind` into `dir`, ending with ", or set <path_key> to the directory
// that holds them"; "" for synthetic data.
std::string how_to_fetch(DatasetKind kind, const std::string& dir, const std::string& path_key);

}  // namespace sasgsim
