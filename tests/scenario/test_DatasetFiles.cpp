// sim/data/DatasetFiles.cpp is built into sasgsim_scenario (it is torch-free), so its tests
// live with the scenario tests.
#include <gtest/gtest.h>

#include "sim/data/DatasetFiles.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(DatasetFiles, DefaultPaths) {
  EXPECT_EQ(default_dataset_path(DatasetKind::kMnist), "data/mnist");
  EXPECT_EQ(default_dataset_path(DatasetKind::kFashionMnist), "/usr/share/datasets/fashion-mnist");
  EXPECT_EQ(default_dataset_path(DatasetKind::kCifar10), "data/cifar10");
  EXPECT_EQ(default_dataset_path(DatasetKind::kCifar100), "data/cifar100");
  EXPECT_EQ(default_dataset_path(DatasetKind::kSynthetic), "");
}

TEST(DatasetFiles, EmptyDirectoryMissesEverything) {
  TempDir tmp;
  for (DatasetKind kind : {DatasetKind::kMnist, DatasetKind::kFashionMnist, DatasetKind::kCifar10,
                           DatasetKind::kCifar100}) {
    EXPECT_EQ(missing_dataset_files(kind, tmp.str()), test::expected_files(kind));
    EXPECT_EQ(missing_dataset_files(kind, tmp.str() + "/nope"), test::expected_files(kind));
  }
  EXPECT_TRUE(missing_dataset_files(DatasetKind::kSynthetic, tmp.str() + "/nope").empty());
}

TEST(DatasetFiles, CompleteDirectoriesMissNothing) {
  TempDir tmp;
  for (DatasetKind kind : {DatasetKind::kMnist, DatasetKind::kCifar10, DatasetKind::kCifar100}) {
    const std::string dir = test::make_dataset(tmp, kind, to_string(kind));
    EXPECT_TRUE(missing_dataset_files(kind, dir).empty()) << to_string(kind);
  }
}

TEST(DatasetFiles, IdxFilesMayBeGzipped) {
  TempDir tmp;
  tmp.touch("m/train-images-idx3-ubyte.gz");
  tmp.touch("m/train-labels-idx1-ubyte");
  tmp.touch("m/t10k-images-idx3-ubyte.gz");
  const std::vector<std::string> missing =
      missing_dataset_files(DatasetKind::kFashionMnist, tmp.str() + "/m");
  EXPECT_EQ(missing, std::vector<std::string>{"t10k-labels-idx1-ubyte"});
}

TEST(DatasetFiles, DirectoriesDoNotCountAsFiles) {
  TempDir tmp;
  test::make_dataset(tmp, DatasetKind::kCifar100, "c");
  fs::remove(tmp.path() / "c" / "test.bin");
  fs::create_directories(tmp.path() / "c" / "test.bin");
  EXPECT_EQ(missing_dataset_files(DatasetKind::kCifar100, tmp.str() + "/c"),
            std::vector<std::string>{"test.bin"});
}

}  // namespace
}  // namespace sasgsim
