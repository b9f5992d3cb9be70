// TrainingData: partitions (iid, by_dataset, dirichlet), minibatch streams, augmentation.
#include "sim/data/TrainingData.h"

#include <set>

#include "sim/data/SeededRandom.h"
#include "tests/data/DataTestUtil.h"

namespace sasgsim {
namespace {

using testing::synthetic_scenario;
using testing::to_vector;

// The training-set indices of a batch's samples (synthetic samples are all distinct).
std::vector<int64_t> indices_of(const TrainingData& data, const Batch& batch) {
  const torch::Tensor distance =
      torch::cdist(batch.images.flatten(1), data.train().images.flatten(1));
  const auto [best, index] = distance.min(1);
  // cdist's matrix-product form is not exact; distinct samples are much further apart than this.
  EXPECT_LT(best.max().item<float>(), 0.05f);
  return to_vector(index);
}

std::vector<std::vector<int64_t>> draw(TrainingData& data, int worker, int batches) {
  std::vector<std::vector<int64_t>> out;
  for (int i = 0; i < batches; ++i) out.push_back(indices_of(data, data.next_batch(worker)));
  return out;
}

std::set<int64_t> as_set(const std::vector<std::vector<int64_t>>& batches) {
  std::set<int64_t> s;
  for (const auto& b : batches) s.insert(b.begin(), b.end());
  return s;
}

TEST(TrainingData, IidShardsAreEqualDisjointAndCoverFloorNOverM) {
  TrainingData data(synthetic_scenario(10, 10, 1005));
  EXPECT_EQ(data.train_size(), 1005);
  EXPECT_EQ(data.iterations_per_epoch(), 10);
  EXPECT_EQ(data.classes(), 10);
  EXPECT_EQ(data.input_shape(), (std::vector<int64_t>{1, 8, 8}));
  EXPECT_EQ(data.test().size(), 50);
  ASSERT_EQ(data.shards().size(), 10u);
  std::set<int64_t> all;
  for (const torch::Tensor& shard : data.shards()) {
    EXPECT_EQ(shard.size(0), 100);
    for (int64_t i : to_vector(shard)) all.insert(i);
  }
  EXPECT_EQ(all.size(), 1000u);
  EXPECT_GE(*all.begin(), 0);
  EXPECT_LT(*all.rbegin(), 1005);
}

TEST(TrainingData, SameSeedSameShardsOtherSeedOtherShards) {
  TrainingData a(synthetic_scenario(4, 5, 200)), b(synthetic_scenario(4, 5, 200));
  TrainingData c(synthetic_scenario(4, 5, 200, {1, 8, 8}, 8));
  for (size_t w = 0; w < 4; ++w) EXPECT_TRUE(torch::equal(a.shards()[w], b.shards()[w]));
  EXPECT_FALSE(torch::equal(a.shards()[0], c.shards()[0]));
}

TEST(TrainingData, BatchesHaveTheBatchShape) {
  TrainingData data(synthetic_scenario(3, 7, 300, {2, 5, 4}));
  const Batch batch = data.next_batch(2);
  EXPECT_EQ(batch.images.sizes(), (std::vector<int64_t>{7, 2, 5, 4}));
  EXPECT_EQ(batch.images.scalar_type(), torch::kFloat32);
  EXPECT_EQ(batch.labels.sizes(), (std::vector<int64_t>{7}));
  EXPECT_EQ(batch.labels.scalar_type(), torch::kInt64);
  EXPECT_THROW(data.next_batch(3), std::out_of_range);
  EXPECT_THROW(data.next_batch(-1), std::out_of_range);
}

TEST(TrainingData, BatchesComeFromTheWorkersShard) {
  TrainingData data(synthetic_scenario(4, 10, 400));
  for (int w = 0; w < 4; ++w) {
    const std::vector<int64_t> shard = to_vector(data.shards()[w]);
    const std::set<int64_t> shard_set(shard.begin(), shard.end());
    const Batch batch = data.next_batch(w);
    for (int64_t i : indices_of(data, batch)) EXPECT_TRUE(shard_set.count(i)) << i;
    EXPECT_TRUE(torch::equal(batch.labels,
                             data.train().labels.index_select(
                                 0, torch::tensor(indices_of(data, batch), torch::kInt64))));
  }
}

TEST(TrainingData, ResetReproducesTheBatches) {
  TrainingData data(synthetic_scenario(3, 10, 300));
  std::vector<std::vector<std::vector<int64_t>>> first;
  for (int w = 0; w < 3; ++w) first.push_back(draw(data, w, 25));  // 2.5 passes
  data.reset();
  for (int w = 0; w < 3; ++w) EXPECT_EQ(draw(data, w, 25), first[w]) << "worker " << w;
  // A second object with the same scenario sees the same stream, whatever torch's global RNG.
  torch::manual_seed(12345);
  TrainingData other(synthetic_scenario(3, 10, 300));
  (void)torch::rand({10});
  EXPECT_EQ(draw(other, 1, 25), first[1]);
}

TEST(TrainingData, StreamsDoNotDependOnOtherWorkers) {
  TrainingData a(synthetic_scenario(3, 10, 300)), b(synthetic_scenario(3, 10, 300));
  for (int i = 0; i < 7; ++i) b.next_batch(0);
  EXPECT_EQ(draw(a, 1, 12), draw(b, 1, 12));
}

TEST(TrainingData, EachPassReshufflesTheSameShard) {
  TrainingData data(synthetic_scenario(2, 10, 200));  // shards of 100: passes of 10 batches
  const std::vector<int64_t> shard = to_vector(data.shards()[1]);
  const std::set<int64_t> shard_set(shard.begin(), shard.end());
  const auto pass0 = draw(data, 1, 10), pass1 = draw(data, 1, 10), pass2 = draw(data, 1, 10);
  EXPECT_EQ(as_set(pass0), shard_set);
  EXPECT_EQ(as_set(pass1), shard_set);
  EXPECT_EQ(as_set(pass2), shard_set);
  EXPECT_NE(pass0, pass1);
  EXPECT_NE(pass1, pass2);
}

TEST(TrainingData, TheTailShorterThanABatchIsDropped) {
  TrainingData data(synthetic_scenario(1, 10, 105));  // one shard of 105: 10 batches per pass
  const auto pass0 = draw(data, 0, 10), pass1 = draw(data, 0, 10);
  EXPECT_EQ(as_set(pass0).size(), 100u);
  EXPECT_EQ(as_set(pass1).size(), 100u);
}

TEST(TrainingData, ShardsSmallerThanABatchAreADataError) {
  const std::string message =
      testing::data_error_of([] { TrainingData data(synthetic_scenario(10, 20, 150)); });
  EXPECT_NE(message.find("worker 0's shard holds 15"), std::string::npos) << message;
  EXPECT_NE(message.find("batch_size 20"), std::string::npos) << message;
}

Scenario by_dataset_scenario(std::vector<int64_t> second_shape) {
  Scenario s = synthetic_scenario(4, 10, 300, {1, 28, 28});
  s.data.partition = PartitionKind::kByDataset;
  DatasetSource second = s.data.primary;
  second.synthetic.train_size = 200;
  second.synthetic.test_size = 30;
  second.synthetic.classes = 5;
  second.synthetic.shape = std::move(second_shape);
  s.data.secondary = second;
  return s;
}

TEST(TrainingData, ByDatasetGivesEvenWorkersThePrimaryAndOddWorkersTheSecond) {
  const Scenario s = by_dataset_scenario({3, 32, 32});
  TrainingData data(s);
  EXPECT_EQ(data.input_shape(), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_EQ(data.train_size(), 500);
  EXPECT_EQ(data.test().size(), 80);
  EXPECT_EQ(data.test().images.sizes(), (std::vector<int64_t>{80, 3, 32, 32}));
  EXPECT_EQ(data.classes(), 10);
  EXPECT_EQ(data.iterations_per_epoch(), 12);
  for (int w = 0; w < 4; ++w) {
    const std::vector<int64_t> shard = to_vector(data.shards()[w]);
    EXPECT_EQ(shard.size(), w % 2 == 0 ? 150u : 100u) << "worker " << w;
    for (int64_t i : shard) {
      if (w % 2 == 0) {
        EXPECT_LT(i, 300);
      } else {
        EXPECT_GE(i, 300);
      }
    }
  }
  std::set<int64_t> all;
  for (const torch::Tensor& shard : data.shards())
    for (int64_t i : to_vector(shard)) all.insert(i);
  EXPECT_EQ(all.size(), 500u);
  EXPECT_EQ(data.next_batch(1).images.sizes(), (std::vector<int64_t>{10, 3, 32, 32}));
}

TEST(TrainingData, ByDatasetReplicatesGrayscaleAndPadsIt) {
  const Scenario s = by_dataset_scenario({3, 32, 32});
  TrainingData data(s);
  const DatasetSplits primary = load_dataset(s.data.primary, s.seed);
  const DatasetSplits second =
      load_dataset(*s.data.secondary, derive_seed(s.seed, SeedStream::kSynthetic));
  const torch::Tensor train = data.train().images;
  const torch::Tensor converted = train.narrow(0, 0, 300);
  for (int64_t c = 0; c < 3; ++c) {
    const torch::Tensor plane = converted.select(1, c);
    EXPECT_TRUE(torch::equal(plane.narrow(1, 2, 28).narrow(2, 2, 28), primary.train.images.select(1, 0)));
    // Synthetic data is normalized with mean 0 / std 1, so black is 0.
    EXPECT_EQ(plane.narrow(1, 0, 2).abs().max().item<float>(), 0.0f);
    EXPECT_EQ(plane.narrow(2, 30, 2).abs().max().item<float>(), 0.0f);
  }
  EXPECT_TRUE(torch::equal(train.narrow(0, 300, 200), second.train.images));
  EXPECT_TRUE(torch::equal(data.train().labels,
                           torch::cat({primary.train.labels, second.train.labels})));
  EXPECT_TRUE(torch::equal(data.test().labels,
                           torch::cat({primary.test.labels, second.test.labels})));
}

TEST(TrainingData, ByDatasetErrors) {
  // 1 channel against 2 is reconcilable (replication); 3 against 2 is not.
  EXPECT_EQ(TrainingData(by_dataset_scenario({2, 28, 28})).input_shape(),
            (std::vector<int64_t>{2, 28, 28}));
  Scenario s = by_dataset_scenario({2, 28, 28});
  s.data.primary.synthetic.shape = {3, 28, 28};
  std::string message = testing::data_error_of([&] { TrainingData d(s); });
  EXPECT_NE(message.find("3x28x28"), std::string::npos) << message;
  EXPECT_NE(message.find("channel counts differ"), std::string::npos) << message;

  s = by_dataset_scenario({3, 32, 32});
  s.data.secondary.reset();
  message = testing::data_error_of([&] { TrainingData d(s); });
  EXPECT_NE(message.find("data.second"), std::string::npos) << message;

  s = by_dataset_scenario({3, 32, 32});
  s.workers = 1;
  message = testing::data_error_of([&] { TrainingData d(s); });
  EXPECT_NE(message.find("at least 2 workers"), std::string::npos) << message;
}

Scenario dirichlet_scenario(double alpha, int workers, int64_t batch) {
  Scenario s = synthetic_scenario(workers, batch, 1000);
  s.data.partition = PartitionKind::kDirichlet;
  s.data.dirichlet_alpha = alpha;
  return s;
}

// Mean over classes of the largest share of that class held by a single worker.
double mean_class_concentration(const TrainingData& data) {
  std::vector<torch::Tensor> per_worker;
  for (const torch::Tensor& shard : data.shards()) {
    per_worker.push_back(torch::bincount(data.train().labels.index_select(0, shard), {}, 10));
  }
  const torch::Tensor counts = torch::stack(per_worker).to(torch::kFloat64);  // [workers, classes]
  return (std::get<0>(counts.max(0)) / counts.sum(0)).mean().item<double>();
}

TEST(TrainingData, DirichletSkewsTheLabelsAndIsDeterministic) {
  TrainingData skewed(dirichlet_scenario(0.1, 4, 1)), again(dirichlet_scenario(0.1, 4, 1));
  TrainingData even(dirichlet_scenario(1000.0, 4, 10));
  EXPECT_GT(mean_class_concentration(skewed), 0.7);
  EXPECT_LT(mean_class_concentration(even), 0.35);
  int64_t covered = 0;
  for (size_t w = 0; w < 4; ++w) {
    EXPECT_TRUE(torch::equal(skewed.shards()[w], again.shards()[w]));
    covered += skewed.shards()[w].size(0);
  }
  EXPECT_EQ(covered, 1000);
  EXPECT_TRUE(torch::equal(skewed.next_batch(2).images, again.next_batch(2).images));
}

TEST(TrainingData, DirichletShardSmallerThanABatchIsADataError) {
  const std::string message =
      testing::data_error_of([] { TrainingData d(dirichlet_scenario(0.01, 10, 10)); });
  EXPECT_NE(message.find("dirichlet"), std::string::npos) << message;
  EXPECT_NE(message.find("worker "), std::string::npos) << message;
  EXPECT_NE(message.find("fewer than data.batch_size 10"), std::string::npos) << message;
  EXPECT_NE(message.find("larger data.dirichlet_alpha or fewer workers"), std::string::npos)
      << message;
}

TEST(TrainingData, AugmentationIsDeterministicAndKeepsTheShape) {
  Scenario s = synthetic_scenario(2, 16, 200, {3, 12, 12});
  s.data.augment.crop_padding = 3;
  s.data.augment.horizontal_flip = true;
  TrainingData a(s), b(s);
  Scenario plain_scenario = s;
  plain_scenario.data.augment = AugmentOptions{};
  TrainingData plain(plain_scenario);
  std::vector<torch::Tensor> first;
  for (int i = 0; i < 15; ++i) {  // crosses a pass boundary (6 batches per pass)
    const Batch x = a.next_batch(1), y = b.next_batch(1), z = plain.next_batch(1);
    ASSERT_EQ(x.images.sizes(), (std::vector<int64_t>{16, 3, 12, 12}));
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_TRUE(torch::equal(x.labels, z.labels));  // augmentation leaves the order alone
    EXPECT_FALSE(torch::equal(x.images, z.images));
    first.push_back(x.images);
  }
  a.reset();
  for (int i = 0; i < 15; ++i) EXPECT_TRUE(torch::equal(a.next_batch(1).images, first[i]));
}

TEST(TrainingData, RotationAugmentsDeterministically) {
  Scenario s = synthetic_scenario(2, 16, 200, {3, 12, 12});
  s.data.augment.rotation_degrees = 15.0;
  TrainingData a(s), b(s);
  Scenario plain_scenario = s;
  plain_scenario.data.augment = AugmentOptions{};
  TrainingData plain(plain_scenario);
  for (int i = 0; i < 8; ++i) {
    const Batch x = a.next_batch(0), y = b.next_batch(0), z = plain.next_batch(0);
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_TRUE(torch::equal(x.labels, z.labels));
    EXPECT_FALSE(torch::equal(x.images, z.images));
  }
}

TEST(TrainingData, RotationOutsideZeroTo180IsADataError) {
  Scenario s = synthetic_scenario(2, 16, 200, {1, 8, 8});
  s.data.augment.rotation_degrees = 200.0;
  const std::string message = testing::data_error_of([&] { TrainingData d(s); });
  EXPECT_NE(message.find("data.augment.rotation_degrees must be in [0, 180]"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace sasgsim
