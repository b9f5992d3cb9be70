#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/metrics/AtomicFile.h"
#include "tests/support/TempDir.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AtomicFileTest : public ::testing::Test {
 protected:
  test::TempDir tmp_{"sasgsim_atomic"};
  fs::path dir_ = tmp_ / "results";  // not there yet: writers create it
};

TEST_F(AtomicFileTest, WriteCreatesParentsAndReplacesContent) {
  const fs::path p = dir_ / "a" / "b.txt";
  write_file_atomically(p.string(), "first");
  EXPECT_EQ(slurp(p), "first");
  write_file_atomically(p.string(), "second");
  EXPECT_EQ(slurp(p), "second");
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
}

TEST_F(AtomicFileTest, StreamAppearsOnlyOnCommit) {
  const fs::path p = dir_ / "uploads.csv";
  {
    AtomicFile f(p.string());
    f.stream() << "row\n";
    EXPECT_FALSE(fs::exists(p));
    f.commit();
  }
  EXPECT_EQ(slurp(p), "row\n");
  EXPECT_FALSE(fs::exists(p.string() + ".partial"));
}

TEST_F(AtomicFileTest, UncommittedStreamLeavesOnlyPartial) {
  const fs::path p = dir_ / "uploads.csv";
  {
    AtomicFile f(p.string());
    f.stream() << "row\n";
  }
  EXPECT_FALSE(fs::exists(p));
  EXPECT_TRUE(fs::exists(p.string() + ".partial"));
}

}  // namespace
}  // namespace sasgsim
