// The dataset file check: which files are missing, and the message a scenario gets for them
// (where to put them, how to fetch them), at the JSON path of the dataset's directory.
#include <gtest/gtest.h>

#include "sim/data/DatasetFiles.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::base_scenario;
using test::describe;
using test::has_issue;
using test::TempDir;
namespace fs = std::filesystem;

TEST(DatasetFiles, DefaultPathsOfTheCatalog) {
  EXPECT_STREQ(dataset_facts(DatasetKind::kMnist).default_path, "data/mnist");
  EXPECT_STREQ(dataset_facts(DatasetKind::kFashionMnist).default_path,
               "/usr/share/datasets/fashion-mnist");
  EXPECT_STREQ(dataset_facts(DatasetKind::kCifar10).default_path, "data/cifar10");
  EXPECT_STREQ(dataset_facts(DatasetKind::kCifar100).default_path, "data/cifar100");
  EXPECT_STREQ(dataset_facts(DatasetKind::kSynthetic).default_path, "");
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

// The issues check_dataset_files reports for a valid scenario document.
std::vector<ScenarioIssue> missing_files_of(const json& doc) {
  return check_dataset_files(parse_scenario(doc, "test.json").data);
}

json with_dataset(const std::string& dataset, const std::string& path) {
  json doc = base_scenario();
  doc["data"].erase("synthetic");
  doc["data"]["dataset"] = dataset;
  if (!path.empty()) doc["data"]["path"] = path;
  return doc;
}

void expect_missing_files(const json& doc, const std::string& path,
                          const std::vector<std::string>& parts) {
  const std::vector<ScenarioIssue> issues = missing_files_of(doc);
  ASSERT_EQ(issues.size(), 1u) << describe(issues);
  EXPECT_EQ(issues[0].path, path);
  for (const std::string& part : parts) {
    EXPECT_NE(issues[0].message.find(part), std::string::npos)
        << "wanted \"" << part << "\" in: " << issues[0].message;
  }
}

TEST(DatasetFiles, MissingMnistFilesNameEachFileTheDirectoryAndTheFix) {
  TempDir tmp;
  tmp.touch("m/train-images-idx3-ubyte.gz");
  tmp.touch("m/t10k-labels-idx1-ubyte");
  expect_missing_files(with_dataset("mnist", tmp.str() + "/m"), ".data.path",
                       {"missing mnist files in " + tmp.str() + "/m: ",
                        "train-labels-idx1-ubyte, t10k-images-idx3-ubyte (plain or .gz)",
                        "run scripts/fetch_mnist.sh, or set data.path to the directory"});
}

TEST(DatasetFiles, MissingDirectoryIsSaid) {
  TempDir tmp;
  expect_missing_files(with_dataset("mnist", tmp.str() + "/none"), ".data.path",
                       {tmp.str() + "/none (the directory does not exist)",
                        "train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                        "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"});
}

TEST(DatasetFiles, MissingFashionMnistSaysWhichPackage) {
  TempDir tmp;
  expect_missing_files(with_dataset("fashion-mnist", tmp.str()), ".data.path",
                       {"missing fashion-mnist files in " + tmp.str(),
                        "apt-get install dataset-fashion-mnist"});
}

TEST(DatasetFiles, MissingCifarSaysWhatToDownloadAndWhere) {
  TempDir tmp;
  test::make_dataset(tmp, DatasetKind::kCifar10, "c10");
  fs::remove(tmp.path() / "c10" / "data_batch_3.bin");
  expect_missing_files(with_dataset("cifar10", tmp.str() + "/c10"), ".data.path",
                       {"missing cifar10 file in " + tmp.str() + "/c10: data_batch_3.bin;",
                        "download the CIFAR-10 binary version "
                        "(https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)",
                        "put data_batch_1.bin..data_batch_5.bin and test_batch.bin in " +
                            tmp.str() + "/c10",
                        "tar xzf cifar-10-binary.tar.gz --strip-components=1 -C " + tmp.str() +
                            "/c10",
                        "or set data.path to the directory that holds them"});
  expect_missing_files(with_dataset("cifar100", tmp.str()), ".data.path",
                       {"train.bin, test.bin", "download the CIFAR-100 binary version "
                        "(https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz)",
                        "put train.bin and test.bin in " + tmp.str(),
                        "tar xzf cifar-100-binary.tar.gz --strip-components=1 -C " + tmp.str()});
}

TEST(DatasetFiles, SecondDatasetFilesAreCheckedUnderByDataset) {
  TempDir tmp;
  json doc = base_scenario();
  apply_override(doc, "data.partition=by_dataset");
  apply_override(doc, "data.second={\"dataset\":\"mnist\",\"path\":\"" + tmp.str() + "\"}");
  expect_missing_files(doc, ".data.second.path",
                       {"missing mnist files in " + tmp.str(), "set data.second.path"});
  test::make_dataset(tmp, DatasetKind::kMnist, ".");
  EXPECT_TRUE(missing_files_of(doc).empty());
}

TEST(DatasetFiles, MissingFilesInTheDefaultDirectorySaySoAndAreRelativeToTheCurrentOne) {
  TempDir tmp;
  std::vector<ScenarioIssue> missing;
  std::vector<ScenarioIssue> present;
  {
    // Restores the working directory even if something below throws.
    struct CwdGuard {
      fs::path saved = fs::current_path();
      ~CwdGuard() { fs::current_path(saved); }
    } guard;
    fs::current_path(tmp.path());
    missing = missing_files_of(with_dataset("cifar100", ""));
    test::make_dataset(tmp, DatasetKind::kCifar100, "data/cifar100");
    present = missing_files_of(with_dataset("cifar100", ""));
  }
  EXPECT_TRUE(has_issue(missing, ".data.path",
                        "missing cifar100 files in " + tmp.str() +
                            "/data/cifar100 (the default data.path) (the directory does not exist)"))
      << describe(missing);
  EXPECT_TRUE(present.empty()) << describe(present);
}

TEST(DatasetFiles, RequireThrowsTheIssuesAsAScenarioError) {
  TempDir tmp;
  const Scenario s = parse_scenario(with_dataset("mnist", tmp.str()), "test.json");
  try {
    require_dataset_files(s.data, "s.json");
    ADD_FAILURE() << "no ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), "s.json");
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].path, ".data.path");
  }
  test::make_dataset(tmp, DatasetKind::kMnist, ".");
  EXPECT_NO_THROW(require_dataset_files(s.data, "s.json"));
}

TEST(DatasetFiles, PaperCifarScenariosNameTheMissingFilesAndWhereToPutThem) {
  TempDir tmp;
  const std::string scenarios = std::string(SASGSIM_SOURCE_DIR) + "/scenarios/paper/";
  std::string c10, c100;
  {
    // The default data.path is relative to the current directory: run from an empty one.
    struct CwdGuard {
      fs::path saved = fs::current_path();
      ~CwdGuard() { fs::current_path(saved); }
    } guard;
    fs::current_path(tmp.path());
    auto problems = [&](const std::string& file) {
      try {
        require_dataset_files(load_scenario(scenarios + file, {}).data, file);
      } catch (const ScenarioError& e) {
        return std::string(e.what());
      }
      return std::string();
    };
    c10 = problems("cifar10_resnet18.json");
    c100 = problems("cifar100_resnet18.json");
  }
  const std::string dir10 = (tmp.path() / "data/cifar10").string();
  for (const std::string& part :
       {".data.path: missing cifar10 files in " + dir10 + " (the default data.path)",
        std::string("data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, "
                    "data_batch_5.bin, test_batch.bin"),
        std::string("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
        "tar xzf cifar-10-binary.tar.gz --strip-components=1 -C " + dir10}) {
    EXPECT_NE(c10.find(part), std::string::npos) << "wanted \"" << part << "\" in:\n" << c10;
  }
  const std::string dir100 = (tmp.path() / "data/cifar100").string();
  for (const std::string& part :
       {".data.path: missing cifar100 files in " + dir100 + " (the default data.path)",
        std::string("train.bin, test.bin"),
        std::string("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
        "tar xzf cifar-100-binary.tar.gz --strip-components=1 -C " + dir100}) {
    EXPECT_NE(c100.find(part), std::string::npos) << "wanted \"" << part << "\" in:\n" << c100;
  }
}

}  // namespace
}  // namespace sasgsim
