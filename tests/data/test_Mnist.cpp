// The real MNIST files in data/mnist (scripts/fetch_mnist.sh), loaded as the paper's runs do,
// and Fashion-MNIST from its Debian package (gzip IDX files), when present.
#include "sim/data/DatasetFiles.h"
#include "sim/data/TrainingData.h"
#include "tests/data/DataTestUtil.h"
#include "tests/support/RequiredData.h"

namespace sasgsim {
namespace {

TEST(Mnist, LoadsThePapersSetup) {
  const std::string dir = std::string(dataset_facts(DatasetKind::kMnist).default_path);
  if (!missing_dataset_files(DatasetKind::kMnist, dir).empty()) {
    SASGSIM_SKIP_WITHOUT_DATA("MNIST not found in " << dir << "; run scripts/fetch_mnist.sh");
  }
  Scenario s;  // defaults: mnist from data/mnist, 10 workers, batch 10, iid
  s.data.primary.kind = DatasetKind::kMnist;
  s.workers = 10;
  s.data.batch_size = 10;
  TrainingData data(s);
  EXPECT_EQ(data.train_size(), 60000);
  EXPECT_EQ(data.test().size(), 10000);
  EXPECT_EQ(data.classes(), 10);
  EXPECT_EQ(data.input_shape(), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(data.iterations_per_epoch(), 600);
  for (const torch::Tensor& shard : data.shards()) EXPECT_EQ(shard.size(0), 6000);

  const torch::Tensor train = data.train().images;
  EXPECT_NEAR(train.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(train.std().item<double>(), 1.0, 0.01);
  EXPECT_NEAR(data.test().images.mean().item<double>(), 0.0, 0.02);
  EXPECT_EQ(torch::bincount(data.train().labels).size(0), 10);

  // One epoch of minibatches for every worker (its speed is part of bench/iteration_speed.sh's
  // iteration times, not asserted here).
  for (int t = 0; t < 600; ++t) {
    for (int w = 0; w < 10; ++w) EXPECT_EQ(data.next_batch(w).images.size(0), 10);
  }
}

TEST(Mnist, FashionMnistFromGzipFiles) {
  const std::string dir = std::string(dataset_facts(DatasetKind::kFashionMnist).default_path);
  if (!missing_dataset_files(DatasetKind::kFashionMnist, dir).empty()) {
    SASGSIM_SKIP_WITHOUT_DATA("Fashion-MNIST not found in "
                              << dir << "; install the Debian package dataset-fashion-mnist");
  }
  DatasetSource source;
  source.kind = DatasetKind::kFashionMnist;
  const DatasetSplits splits = load_dataset(source, 1);
  EXPECT_EQ(splits.train.images.sizes(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(splits.test.size(), 10000);
  EXPECT_EQ(splits.train.classes, 10);
  EXPECT_NEAR(splits.train.images.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(splits.train.images.std().item<double>(), 1.0, 0.01);
}

}  // namespace
}  // namespace sasgsim
