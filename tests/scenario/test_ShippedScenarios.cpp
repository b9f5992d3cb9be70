// The scenario files shipped in scenarios/ must validate; their data-file check is pointed at
// a temporary directory holding (empty) dataset files, so data/ need not be present.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sim/scenario/ScenarioParser.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

const std::string kScenarios = std::string(SASGSIM_SOURCE_DIR) + "/scenarios";

// The "network.backend" a scenario file gives, or the default.
std::string backend_in(const std::string& file) {
  const nlohmann::json doc = nlohmann::json::parse(std::ifstream(file));
  return doc.contains("network") ? doc["network"].value("backend", "ns3") : "ns3";
}

TEST(ShippedScenarios, Quickstart) {
  TempDir tmp;
  const std::string mnist = test::make_dataset(tmp, DatasetKind::kMnist, "mnist");
  const Scenario s = load_scenario(kScenarios + "/quickstart.json", {"data.path=" + mnist});
  EXPECT_EQ(s.name, "quickstart");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.workers, 10);
  EXPECT_EQ(s.data.primary.kind, DatasetKind::kMnist);
  EXPECT_EQ(s.data.primary.path, mnist);
  EXPECT_EQ(s.data.batch_size, 10);
  EXPECT_EQ(s.model, ModelKind::kFc512);
  EXPECT_EQ(s.train.iterations, 600);
  EXPECT_EQ(s.train.lr, 0.005);
  EXPECT_EQ(s.train.eval_every, 100);
  EXPECT_EQ(s.train.target_accuracy, 90.0);
  ASSERT_EQ(s.algorithms.size(), 4u);
  EXPECT_EQ(s.algorithms[0].kind, AlgorithmKind::kSgd);
  EXPECT_EQ(s.algorithms[1].kind, AlgorithmKind::kSparse);
  EXPECT_EQ(s.algorithms[2].kind, AlgorithmKind::kLasg);
  EXPECT_EQ(s.algorithms[3].kind, AlgorithmKind::kSasg);
  EXPECT_EQ(s.algorithms[3].density, 0.01);
  EXPECT_EQ(s.algorithms[3].max_delay, 10);
  EXPECT_EQ(s.algorithms[3].c_factor, 2.0);
  EXPECT_EQ(s.algorithms[3].kappa, 1.0);
  // The shipped files name their backend; either one is valid with these settings.
  EXPECT_EQ(to_string(s.network.backend), backend_in(kScenarios + "/quickstart.json"));
  EXPECT_EQ(s.network.topology, TopologyKind::kDirect);
  EXPECT_EQ(s.network.link.rate_bps, 1e9);
  EXPECT_EQ(s.network.link.latency_s, 1e-4);
  EXPECT_EQ(s.network.schedule, ScheduleKind::kSequential);
  test::expect_same(s, parse_scenario(s.resolved, "resolved"));
}

TEST(ShippedScenarios, QuickstartUsesTheDefaultMnistDirectory) {
  ParseOptions no_files;
  no_files.check_data_files = false;
  const Scenario s = load_scenario(kScenarios + "/quickstart.json", {}, no_files);
  EXPECT_EQ(s.data.primary.path, (fs::current_path() / "data/mnist").string());
}

TEST(ShippedScenarios, PaperMnistFcHasThePapersSettings) {
  TempDir tmp;
  const std::string mnist = test::make_dataset(tmp, DatasetKind::kMnist, "mnist");
  const Scenario s = load_scenario(kScenarios + "/paper/mnist_fc.json", {"data.path=" + mnist});
  EXPECT_EQ(s.name, "paper_mnist_fc");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.workers, 10);
  EXPECT_EQ(s.data.batch_size, 10);
  EXPECT_EQ(s.data.partition, PartitionKind::kIid);
  EXPECT_EQ(s.data.primary.mean, std::vector<double>{0.1307});
  EXPECT_EQ(s.data.primary.std, std::vector<double>{0.3081});
  EXPECT_EQ(s.model, ModelKind::kFc512);
  EXPECT_EQ(s.train.epochs, 20.0);
  EXPECT_FALSE(s.train.iterations);
  EXPECT_EQ(s.train.lr, 0.005);
  EXPECT_EQ(s.train.lr_schedule.kind, LrScheduleKind::kConstant);
  EXPECT_EQ(s.train.eval_every, 100);
  EXPECT_EQ(s.train.target_accuracy, 98.0);
  EXPECT_FALSE(s.train.target_top5);
  ASSERT_EQ(s.algorithms.size(), 4u);
  for (const AlgorithmOptions& a : s.algorithms) {
    EXPECT_EQ(a.label, to_string(a.kind));
    EXPECT_EQ(a.density, 0.01);
    EXPECT_EQ(a.topk_scope, TopkScope::kPerTensor);
    EXPECT_EQ(a.max_delay, 10);
    EXPECT_EQ(a.kappa, 1.0);
    EXPECT_EQ(a.c_factor, 2.0);
    EXPECT_EQ(a.threshold_lr, ThresholdLrKind::kCurrent);
    EXPECT_TRUE(a.xi.empty());
  }
  EXPECT_EQ(to_string(s.network.backend), backend_in(kScenarios + "/paper/mnist_fc.json"));
  EXPECT_EQ(s.network.link.rate_bps, 1e9);
  EXPECT_EQ(s.network.schedule, ScheduleKind::kSequential);
  test::expect_same(s, parse_scenario(s.resolved, "resolved"));
}

// Every scenario file in the repository validates (data files aside), so examples cannot rot.
TEST(ShippedScenarios, EveryScenarioFileValidates) {
  ParseOptions no_files;
  no_files.check_data_files = false;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    try {
      load_scenario(entry.path().string(), {}, no_files);
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace sasgsim
