// load_dataset: file-backed datasets (IDX, CIFAR binary) and the seeded synthetic one,
// converted to float in [0, 1] and normalized per channel.
#include "sim/data/Dataset.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "sim/data/DatasetFiles.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

// Converts raw bytes to [0, 1] floats, then applies (x - mean) / std per channel.
Dataset make_normalized(const torch::Tensor& raw_images, torch::Tensor labels, int64_t classes,
                        const Normalization& norm, const char* name, bool scale_bytes) {
  const int64_t channels = raw_images.size(1);
  for (const auto* values : {&norm.mean, &norm.std}) {
    const auto count = static_cast<int64_t>(values->size());
    if (count != 1 && count != channels) {
      throw DataError(std::string("dataset ") + name + ": normalization " +
                      (values == &norm.mean ? "mean" : "std") + " has " +
                      std::to_string(count) + " values, expected 1 or " +
                      std::to_string(channels) + " (one per channel)");
    }
  }
  std::vector<float> mean(channels), stdev(channels), pad(channels);
  for (int64_t c = 0; c < channels; ++c) {
    mean[c] = static_cast<float>(norm.mean.size() == 1 ? norm.mean[0] : norm.mean[c]);
    stdev[c] = static_cast<float>(norm.std.size() == 1 ? norm.std[0] : norm.std[c]);
    if (!(stdev[c] > 0.0f) || !std::isfinite(mean[c])) {
      throw DataError(std::string("dataset ") + name + ": normalization for channel " +
                      std::to_string(c) + " needs a finite mean and a positive std, got mean " +
                      std::to_string(mean[c]) + " std " + std::to_string(stdev[c]));
    }
    pad[c] = -mean[c] / stdev[c];
  }
  Dataset ds;
  ds.images = raw_images.to(torch::kFloat32).contiguous();
  if (scale_bytes) ds.images.div_(255.0);
  const auto view = [&](std::vector<float>& v) {
    return torch::from_blob(v.data(), {1, channels, 1, 1}, torch::kFloat32);
  };
  ds.images.sub_(view(mean)).div_(view(stdev));
  ds.labels = std::move(labels);
  ds.classes = classes;
  ds.pad_value = std::move(pad);
  return ds;
}

void check_labels(const torch::Tensor& labels, int64_t classes, const std::string& file) {
  if (labels.numel() == 0) return;
  const int64_t max_label = labels.max().item<int64_t>();
  if (max_label >= classes) {
    throw DataError(file + ": label " + std::to_string(max_label) + " out of range, expected 0.." +
                    std::to_string(classes - 1));
  }
}

std::string idx_file(const fs::path& dir, const std::string& name) {
  const fs::path plain = dir / name;
  std::error_code ec;
  if (fs::is_regular_file(plain, ec)) return plain.string();
  return (dir / (name + ".gz")).string();
}

// `files`: the images file, then the labels file (as the catalog lists them).
Dataset load_idx_split(const fs::path& dir, const std::vector<std::string>& files,
                       const Normalization& norm, const char* name) {
  const std::string images_file = idx_file(dir, files.at(0));
  const std::string labels_file = idx_file(dir, files.at(1));
  torch::Tensor images = read_idx_images(images_file);
  torch::Tensor labels = read_idx_labels(labels_file);
  if (images.size(0) != labels.size(0)) {
    throw DataError(images_file + " holds " + std::to_string(images.size(0)) + " images but " +
                    labels_file + " holds " + std::to_string(labels.size(0)) + " labels");
  }
  check_labels(labels, 10, labels_file);
  return make_normalized(images, labels, 10, norm, name, true);
}

Dataset load_cifar_split(const fs::path& dir, const std::vector<std::string>& files,
                         bool cifar100, const Normalization& norm, const char* name) {
  std::vector<torch::Tensor> images, labels;
  for (const std::string& f : files) {
    torch::Tensor im, lb;
    read_cifar_batch((dir / f).string(), cifar100, im, lb);
    images.push_back(im);
    labels.push_back(lb);
  }
  torch::Tensor all_images = images.size() == 1 ? images[0] : torch::cat(images);
  torch::Tensor all_labels = labels.size() == 1 ? labels[0] : torch::cat(labels);
  return make_normalized(all_images, all_labels, cifar100 ? 100 : 10, norm, name, true);
}

DatasetSplits make_synthetic(const SyntheticOptions& opt, uint64_t seed, const Normalization& norm) {
  const auto fail = [](const std::string& what) {
    throw DataError("synthetic dataset: " + what);
  };
  if (opt.shape.size() != 3 || opt.shape[0] < 1 || opt.shape[1] < 1 || opt.shape[2] < 1) {
    fail("shape must be three positive sizes [C, H, W]");
  }
  if (opt.classes < 1) fail("classes must be at least 1, got " + std::to_string(opt.classes));
  if (opt.train_size < 1 || opt.test_size < 1) {
    fail("train_size and test_size must be at least 1, got " + std::to_string(opt.train_size) +
         " and " + std::to_string(opt.test_size));
  }
  if (!(opt.noise >= 0.0) || !std::isfinite(opt.noise)) {
    fail("noise must be a finite value >= 0, got " + std::to_string(opt.noise));
  }
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const std::vector<int64_t> class_shape{opt.classes, opt.shape[0], opt.shape[1], opt.shape[2]};
  // Train and test share the class means, so what a model learns on one transfers to the other.
  const torch::Tensor means = torch::randn(class_shape, gen, torch::kFloat32);
  const auto draw = [&](int64_t n) {
    // Balanced labels (counts differ by at most one), in a seeded random order.
    torch::Tensor labels =
        torch::arange(n, torch::kInt64).remainder(opt.classes).index_select(
            0, torch::randperm(n, gen, torch::kInt64));
    torch::Tensor images = torch::randn({n, opt.shape[0], opt.shape[1], opt.shape[2]}, gen,
                                        torch::kFloat32);
    images.mul_(opt.noise).add_(means.index_select(0, labels));
    return make_normalized(images, labels, opt.classes, norm, "synthetic", false);
  };
  DatasetSplits splits;
  splits.train = draw(opt.train_size);
  splits.test = draw(opt.test_size);
  return splits;
}

}  // namespace

Normalization default_normalization(DatasetKind kind) {
  if (kind == DatasetKind::kSynthetic) return {{0.0}, {1.0}};
  return {dataset_facts(kind).mean, dataset_facts(kind).std};
}

DatasetSplits load_dataset(const DatasetSource& source, uint64_t seed) {
  torch::NoGradGuard no_grad;
  const char* name = to_string(source.kind);
  Normalization norm = default_normalization(source.kind);
  if (!source.mean.empty()) norm.mean = source.mean;
  if (!source.std.empty()) norm.std = source.std;

  if (source.kind == DatasetKind::kSynthetic) return make_synthetic(source.synthetic, seed, norm);

  const std::string dir = source_directory(source);
  if (const std::string problem = missing_files_problem(source, "data.path"); !problem.empty()) {
    throw DataError("dataset " + std::string(name) + ": " + problem);
  }
  const DatasetFacts& facts = dataset_facts(source.kind);
  DatasetSplits splits;
  switch (source.kind) {
    case DatasetKind::kMnist:
    case DatasetKind::kFashionMnist:
      splits.train = load_idx_split(dir, facts.train_files, norm, name);
      splits.test = load_idx_split(dir, facts.test_files, norm, name);
      break;
    case DatasetKind::kCifar10:
      splits.train = load_cifar_split(dir, facts.train_files, false, norm, name);
      splits.test = load_cifar_split(dir, facts.test_files, false, norm, name);
      break;
    case DatasetKind::kCifar100:
      splits.train = load_cifar_split(dir, facts.train_files, true, norm, name);
      splits.test = load_cifar_split(dir, facts.test_files, true, norm, name);
      break;
    case DatasetKind::kSynthetic:
      break;
  }
  return splits;
}

}  // namespace sasgsim
