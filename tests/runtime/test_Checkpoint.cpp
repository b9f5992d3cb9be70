// Checkpoint files: what a part declares to its StateArchive comes back bit for bit and in
// place (views keep seeing their base), and a file that does not match the run is refused
// with the file and field named.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "sim/checkpoint/Checkpoint.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/scenario/Errors.h"
#include "tests/support/TempDir.h"

namespace sasgsim {
namespace {

// A part with one field of every kind.
struct Part {
  torch::Tensor base = torch::zeros({2, 3});
  torch::Tensor row = base[1];  // a view: restored in place, it must still see base
  torch::Tensor lazy;           // undefined until first use
  int64_t count = 0;
  double value = 0.0;
  std::string text;
  std::vector<int> per_worker;
  at::Generator generator = at::detail::createCPUGenerator(5);
  std::mt19937_64 engine{9};

  void visit_state(StateArchive& archive) {
    StateArchive::Scope scope(archive, "part");
    archive.tensor("base", base);
    archive.tensor("lazy", lazy);
    archive.integer("count", count);
    archive.number("value", value);
    archive.text("text", text);
    archive.integers("per_worker", per_worker);
    archive.generator("generator", generator);
    archive.engine("engine", engine);
  }
};

class CheckpointTest : public ::testing::Test {
 protected:
  test::TempDir tmp_{"sasgsim_checkpoint"};
  std::string file_ = (tmp_.path() / "checkpoint.pt").string();
};

TEST_F(CheckpointTest, EveryFieldComesBackBitForBitAndInPlace) {
  Part saved;
  saved.base.copy_(torch::arange(6, torch::kFloat32).view({2, 3}));
  saved.lazy = torch::tensor({1.5, -2.5}, torch::kFloat64);
  saved.count = -1234567890123;
  saved.value = 0.1 + 0.2;  // not a short decimal: must survive as its bits
  saved.text = "metrics,csv\n1,2\n";
  saved.per_worker = {3, -1, 7};
  torch::rand({4}, saved.generator);  // advance both generators past their seeds
  saved.engine.discard(17);
  write_checkpoint(file_, [&](StateArchive& a) { saved.visit_state(a); });
  const torch::Tensor next_draw = torch::rand({3}, saved.generator);
  const uint64_t next_engine = saved.engine();

  Part loaded;
  read_checkpoint(file_, [&](StateArchive& a) { loaded.visit_state(a); });
  EXPECT_TRUE(torch::equal(loaded.base, torch::arange(6, torch::kFloat32).view({2, 3})));
  EXPECT_TRUE(torch::equal(loaded.row, torch::tensor({3.0f, 4.0f, 5.0f})))
      << "a view of a restored tensor must see the restored values";
  EXPECT_TRUE(torch::equal(loaded.lazy, saved.lazy));
  EXPECT_EQ(loaded.count, saved.count);
  EXPECT_EQ(loaded.value, saved.value);
  EXPECT_EQ(loaded.text, saved.text);
  EXPECT_EQ(loaded.per_worker, saved.per_worker);
  EXPECT_TRUE(torch::equal(torch::rand({3}, loaded.generator), next_draw));
  EXPECT_EQ(loaded.engine(), next_engine);
}

TEST_F(CheckpointTest, AFileOfAnotherRunIsRefusedWithItsField) {
  Part saved;
  write_checkpoint(file_, [&](StateArchive& a) { saved.visit_state(a); });
  auto message = [&](const StateVisitor& visit) {
    try {
      read_checkpoint(file_, visit);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Part other;
  other.base = torch::zeros({3, 3});
  const std::string shape = message([&](StateArchive& a) { other.visit_state(a); });
  EXPECT_NE(shape.find("part.base"), std::string::npos) << shape;
  EXPECT_NE(shape.find("2x3"), std::string::npos) << shape;

  const std::string missing = message([&](StateArchive& a) {
    Part p;
    p.visit_state(a);
    int64_t extra = 0;
    a.integer("extra", extra);
  });
  EXPECT_NE(missing.find("no field \"extra\""), std::string::npos) << missing;

  const std::string unread = message([&](StateArchive& a) {
    int64_t count = 0;
    StateArchive::Scope scope(a, "part");
    a.integer("count", count);
  });
  EXPECT_NE(unread.find("belongs to no part"), std::string::npos) << unread;

  std::ofstream(file_) << "not a checkpoint";
  const std::string garbage = message([&](StateArchive& a) { other.visit_state(a); });
  EXPECT_NE(garbage.find("is not a sasgsim checkpoint"), std::string::npos) << garbage;
}

TEST_F(CheckpointTest, AnAtomicFileContinuesWhereTheCheckpointFoundIt) {
  const std::string path = (tmp_.path() / "rows.csv").string();
  int64_t at_checkpoint = 0;
  {
    AtomicFile file(path);
    file.stream() << "header\n1\n";
    at_checkpoint = file.flush();
    file.stream() << "2 written after the checkpoint, then killed\n";
    file.flush();
  }
  EXPECT_EQ(at_checkpoint, 9);
  AtomicFile resumed(path, AtomicFile::Start::kContinue);
  resumed.continue_at(at_checkpoint);
  EXPECT_EQ(resumed.flush(), at_checkpoint);
  resumed.stream() << "2\n";
  resumed.commit();
  std::ifstream in(path);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(text, "header\n1\n2\n");

  AtomicFile beyond(path + "2", AtomicFile::Start::kContinue);
  EXPECT_THROW(beyond.continue_at(1), std::runtime_error);  // no partial file at all
}

}  // namespace
}  // namespace sasgsim
