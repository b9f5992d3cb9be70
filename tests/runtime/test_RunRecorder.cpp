// RunRecorder writes exactly the result names declared in sim/metrics/ResultSchema.h, and the
// target is reached only by an accuracy strictly above it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/metrics/ResultSchema.h"
#include "sim/net/Network.h"
#include "sim/runtime/RunRecorder.h"
#include "tests/support/TempDir.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line + "\n";
}

template <size_t N>
std::set<std::string> names(const std::array<const results::Field*, N>& fields) {
  std::set<std::string> out;
  for (const results::Field* f : fields) out.insert(f->name);
  return out;
}

std::set<std::string> keys_of(const nlohmann::json& j) {
  std::set<std::string> out;
  for (const auto& item : j.items()) out.insert(item.key());
  return out;
}

class RunRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NetworkOptions options;
    options.backend = NetworkBackendKind::kAnalytic;
    network_ = make_network(options, {2, 1000, 1});
  }

  // Two iterations and one evaluation after each, with the given accuracies.
  RunSummary record(std::optional<double> target, double first_acc, double second_acc) {
    RunRecorder recorder(dir_.string(), *network_, 2);
    for (int64_t t = 0; t < 2; ++t) {
      recorder.record_iteration(t, {UploadRecord{0, 10, 56, false}}, {});
      EvaluationRecord row;
      row.iteration = t + 1;
      row.epoch = row.lr = row.server_memory_bytes = row.train_loss = row.test_loss = "0";
      const double acc = t == 0 ? first_acc : second_acc;
      row.test_acc = row.test_top5_acc = format_number(acc);
      recorder.record_evaluation(row, target && reaches_target(acc, *target));
    }
    RunSummary summary;
    summary.algorithm = summary.kind = "sgd";
    summary.target_accuracy = target;
    recorder.finish(summary);
    return summary;
  }

  test::TempDir tmp_{"sasgsim_recorder"};
  fs::path dir_ = tmp_.path();
  std::unique_ptr<Network> network_;
};

TEST_F(RunRecorderTest, FilesHaveTheDeclaredColumns) {
  record(std::nullopt, 50.0, 60.0);
  EXPECT_EQ(first_line(dir_ / "metrics.csv"), results::csv_header(results::kMetrics));
  EXPECT_EQ(first_line(dir_ / "uploads.csv"), results::csv_header(results::kUploads));
  EXPECT_EQ(first_line(dir_ / "iterations.csv"), results::csv_header(results::kIterations));
  // Every metrics.csv row has a cell per column.
  std::ifstream in(dir_ / "metrics.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    EXPECT_EQ(static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1,
              results::kMetrics.size())
        << line;
  }
}

TEST_F(RunRecorderTest, SummaryHasExactlyTheDeclaredKeys) {
  const nlohmann::json plain = record(std::nullopt, 50.0, 60.0).to_json();
  EXPECT_EQ(keys_of(plain), names(results::summary::kAlways));
  std::set<std::string> with_target = names(results::summary::kAlways);
  for (const std::string& k : names(results::summary::kWithTarget)) with_target.insert(k);
  EXPECT_EQ(keys_of(record(55.0, 50.0, 60.0).to_json()), with_target);
  // What summary.json on disk holds is that same object.
  std::ifstream in(dir_ / "summary.json");
  EXPECT_EQ(keys_of(nlohmann::json::parse(in)), with_target);
}

TEST_F(RunRecorderTest, TheTargetIsReachedOnlyStrictlyAboveIt) {
  EXPECT_FALSE(reaches_target(98.0, 98.0));
  EXPECT_TRUE(reaches_target(98.01, 98.0));
  // An evaluation exactly at the target does not reach it; the next one above does.
  const nlohmann::json at = record(60.0, 60.0, 70.0).to_json();
  EXPECT_EQ(at["iterations_to_target"], 2);
  EXPECT_EQ(at["rounds_to_target"], 2);
  const nlohmann::json never = record(70.0, 60.0, 70.0).to_json();
  EXPECT_TRUE(never["iterations_to_target"].is_null());
}

TEST(MemoNote, AdvisesExactWhenMemoReusedFewOfManyPatterns) {
  RunSummary s;
  s.algorithm = "always-threshold-ef";
  s.network = {{"memo", {{"patterns", 4857}, {"reused", 543}, {"warmup_runs", 2},
                         {"samples_per_pattern", 4}}}};
  const std::string note = memo_note(s);
  EXPECT_NE(note.find("always-threshold-ef"), std::string::npos) << note;
  EXPECT_NE(note.find("4857 distinct upload patterns"), std::string::npos) << note;
  EXPECT_NE(note.find("6 times"), std::string::npos) << note;
  EXPECT_NE(note.find("\"fidelity\": \"exact\""), std::string::npos) << note;
  s.network["memo"]["reused"] = 4857;  // every pattern used twice on average: memo pays off
  EXPECT_EQ(memo_note(s), "");
  s.network["memo"] = {{"patterns", 99}, {"reused", 0}};  // few patterns: cheap either way
  EXPECT_EQ(memo_note(s), "");
  s.network = {{"fidelity", "exact"}};
  EXPECT_EQ(memo_note(s), "");
}

}  // namespace
}  // namespace sasgsim
