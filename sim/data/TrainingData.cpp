#include "sim/data/TrainingData.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/checkpoint/StateArchive.h"
#include "sim/data/Augment.h"
#include "sim/data/DatasetFiles.h"
#include "sim/data/Partition.h"
#include "sim/data/SeededRandom.h"
#include "sim/data/ShapeConversion.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

// What a partition strategy hands to the constructor.
struct PartitionedData {
  Dataset train;
  Dataset test;
  Shards shards;                               // per worker
  std::vector<std::vector<float>> pad_values;  // per worker
};

std::vector<int64_t> to_vector(const torch::Tensor& labels) {
  const torch::Tensor l = labels.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
}

PartitionedData partition_iid(const Scenario& scenario) {
  DatasetSplits splits = load_dataset(scenario.data.primary, scenario.seed);
  PartitionedData out;
  out.shards = iid_shards(splits.train.size(), scenario.workers,
                          derive_seed(scenario.seed, SeedStream::kPartition, {0}));
  out.pad_values.assign(static_cast<size_t>(scenario.workers), splits.train.pad_value);
  out.train = std::move(splits.train);
  out.test = std::move(splits.test);
  return out;
}

PartitionedData partition_dirichlet(const Scenario& scenario) {
  DatasetSplits splits = load_dataset(scenario.data.primary, scenario.seed);
  PartitionedData out;
  out.shards = dirichlet_shards(to_vector(splits.train.labels), splits.train.classes,
                                scenario.workers, scenario.data.dirichlet_alpha,
                                derive_seed(scenario.seed, SeedStream::kPartition, {0}),
                                derive_seed(scenario.seed, SeedStream::kDirichlet));
  for (size_t w = 0; w < out.shards.size(); ++w) {
    const auto size = static_cast<int64_t>(out.shards[w].size());
    if (size < scenario.data.batch_size) {
      throw DataError("data.partition dirichlet (alpha " +
                      std::to_string(scenario.data.dirichlet_alpha) + "): worker " +
                      std::to_string(w) + " gets " + std::to_string(size) +
                      " samples, fewer than data.batch_size " +
                      std::to_string(scenario.data.batch_size) +
                      "; use a larger data.dirichlet_alpha or fewer workers");
    }
  }
  out.pad_values.assign(static_cast<size_t>(scenario.workers), splits.train.pad_value);
  out.train = std::move(splits.train);
  out.test = std::move(splits.test);
  return out;
}

// Concatenates two splits in the common shape; frees each source tensor once copied.
Dataset concatenate(Dataset& a, Dataset& b, const std::vector<int64_t>& shape) {
  Dataset out;
  const int64_t na = a.size(), nb = b.size();
  out.images = torch::empty({na + nb, shape[0], shape[1], shape[2]}, torch::kFloat32);
  convert_images_into(a.images, a.pad_value, out.images.narrow(0, 0, na));
  a.images = torch::Tensor();
  convert_images_into(b.images, b.pad_value, out.images.narrow(0, na, nb));
  b.images = torch::Tensor();
  out.labels = torch::cat({a.labels, b.labels});
  out.classes = std::max(a.classes, b.classes);
  return out;
}

std::vector<float> widened(const std::vector<float>& pad_value, int64_t channels) {
  if (pad_value.size() == 1) return std::vector<float>(static_cast<size_t>(channels), pad_value[0]);
  return pad_value;
}

PartitionedData partition_by_dataset(const Scenario& scenario) {
  const DataOptions& data = scenario.data;
  if (!data.secondary) {
    throw DataError("data.partition by_dataset needs a second dataset (data.second) for the "
                    "odd-numbered workers");
  }
  const int even_workers = (scenario.workers + 1) / 2;
  const int odd_workers = scenario.workers / 2;
  if (odd_workers < 1) {
    throw DataError("data.partition by_dataset needs at least 2 workers (even-numbered ones use "
                    "data.dataset, odd-numbered ones data.second), got " +
                    std::to_string(scenario.workers));
  }
  DatasetSplits first = load_dataset(data.primary, scenario.seed);
  // A distinct seed, so two synthetic datasets of the same shape still differ.
  DatasetSplits second =
      load_dataset(*data.secondary, derive_seed(scenario.seed, SeedStream::kSynthetic));
  const auto sample_shape = [](const Dataset& d) {
    return std::vector<int64_t>{d.images.size(1), d.images.size(2), d.images.size(3)};
  };
  const std::vector<int64_t> shape =
      common_sample_shape(sample_shape(first.train), sample_shape(second.train));
  const std::vector<float> first_pad = widened(first.train.pad_value, shape[0]);
  const std::vector<float> second_pad = widened(second.train.pad_value, shape[0]);
  const int64_t first_size = first.train.size(), second_size = second.train.size();

  PartitionedData out;
  out.train = concatenate(first.train, second.train, shape);
  out.test = concatenate(first.test, second.test, shape);
  out.train.pad_value = out.test.pad_value = first_pad;

  // Each dataset is split (after its own permutation) among the workers that use it.
  const Shards first_shards = iid_shards(first_size, even_workers,
                                         derive_seed(scenario.seed, SeedStream::kPartition, {0}));
  const Shards second_shards =
      iid_shards(second_size, odd_workers, derive_seed(scenario.seed, SeedStream::kPartition, {1}),
                 first_size);
  for (int w = 0; w < scenario.workers; ++w) {
    const bool even = w % 2 == 0;
    out.shards.push_back(even ? first_shards[w / 2] : second_shards[w / 2]);
    out.pad_values.push_back(even ? first_pad : second_pad);
  }
  return out;
}

}  // namespace

TrainingData::TrainingData(const Scenario& scenario)
    : batch_size_(scenario.data.batch_size),
      workers_(scenario.workers),
      seed_(scenario.seed),
      augment_(scenario.data.augment) {
  torch::NoGradGuard no_grad;
  require_dataset_files(scenario.data, "scenario \"" + scenario.name + "\"");
  if (workers_ < 1) {
    throw DataError("workers must be at least 1, got " + std::to_string(workers_));
  }
  if (batch_size_ < 1) {
    throw DataError("data.batch_size must be at least 1, got " + std::to_string(batch_size_));
  }
  if (augment_.crop_padding < 0) {
    throw DataError("data.augment.crop_padding must be >= 0, got " +
                    std::to_string(augment_.crop_padding));
  }
  if (!(augment_.rotation_degrees >= 0.0 && augment_.rotation_degrees <= 180.0)) {
    throw DataError("data.augment.rotation_degrees must be in [0, 180], got " +
                    std::to_string(augment_.rotation_degrees));
  }
  PartitionedData parts;
  switch (scenario.data.partition) {
    case PartitionKind::kIid: parts = partition_iid(scenario); break;
    case PartitionKind::kDirichlet: parts = partition_dirichlet(scenario); break;
    case PartitionKind::kByDataset: parts = partition_by_dataset(scenario); break;
  }
  train_ = std::move(parts.train);
  test_ = std::move(parts.test);
  pad_value_ = std::move(parts.pad_values);
  classes_ = std::max(train_.classes, test_.classes);
  input_shape_ = {train_.images.size(1), train_.images.size(2), train_.images.size(3)};

  if (static_cast<int>(parts.shards.size()) != workers_ ||
      static_cast<int>(pad_value_.size()) != workers_) {
    throw std::logic_error("TrainingData: partition produced " +
                           std::to_string(parts.shards.size()) + " shards for " +
                           std::to_string(workers_) + " workers");
  }
  for (int w = 0; w < workers_; ++w) {
    std::vector<int64_t>& shard = parts.shards[static_cast<size_t>(w)];
    const auto size = static_cast<int64_t>(shard.size());
    if (size < batch_size_) {
      throw DataError("worker " + std::to_string(w) + "'s shard holds " + std::to_string(size) +
                      " training samples, fewer than data.batch_size " +
                      std::to_string(batch_size_) + "; use fewer workers or a smaller batch");
    }
    shards_.push_back(torch::from_blob(shard.data(), {size}, torch::kInt64).clone());
  }
  reset();
}

void TrainingData::reset() {
  const auto n = static_cast<size_t>(workers_);
  order_.assign(n, torch::Tensor());
  cursor_.assign(n, 0);
  pass_.assign(n, 0);
  augment_rng_.assign(n, std::mt19937_64());
  for (int w = 0; w < workers_; ++w) start_pass(w);
}

void TrainingData::start_pass(int worker) {
  const auto w = static_cast<size_t>(worker);
  const auto pass = static_cast<uint64_t>(pass_[w]);
  torch::Tensor order = shards_[w].clone();
  std::mt19937_64 rng(derive_seed(seed_, SeedStream::kPass, {w, pass}));
  shuffle_in_place(order.data_ptr<int64_t>(), order.numel(), rng);
  order_[w] = std::move(order);
  cursor_[w] = 0;
  augment_rng_[w].seed(derive_seed(seed_, SeedStream::kAugment, {w, pass}));
}

void TrainingData::visit_state(StateArchive& archive) {
  archive.integers("pass", pass_);
  archive.integers("cursor", cursor_);
  for (int w = 0; w < workers_; ++w) {
    StateArchive::Scope worker(archive, "worker" + std::to_string(w));
    archive.tensor("order", order_[static_cast<size_t>(w)]);
    archive.engine("augment_rng", augment_rng_[static_cast<size_t>(w)]);
  }
}

Batch TrainingData::next_batch(int worker) {
  if (worker < 0 || worker >= workers_) {
    throw std::out_of_range("TrainingData::next_batch: worker " + std::to_string(worker) +
                            " outside [0, " + std::to_string(workers_) + ")");
  }
  torch::NoGradGuard no_grad;
  const auto w = static_cast<size_t>(worker);
  if (cursor_[w] + batch_size_ > order_[w].size(0)) {
    // drop_last: the tail shorter than a batch is skipped and a new pass begins.
    ++pass_[w];
    start_pass(worker);
  }
  const torch::Tensor index = order_[w].narrow(0, cursor_[w], batch_size_);
  cursor_[w] += batch_size_;
  Batch batch{train_.images.index_select(0, index), train_.labels.index_select(0, index)};
  const bool augment =
      augment_.crop_padding > 0 || augment_.horizontal_flip || augment_.rotation_degrees > 0.0;
  if (augment) {
    batch.images = augment_batch(batch.images, augment_, pad_value_[w], augment_rng_[w]);
  }
  return batch;
}

int64_t TrainingData::iterations_per_epoch() const {
  return train_size() / (static_cast<int64_t>(workers_) * batch_size_);
}

}  // namespace sasgsim
