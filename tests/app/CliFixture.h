// The end-to-end tests' fixture: runs the real build/sasgsim binary in a temporary directory
// and reads the files it writes.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/TempDir.h"

namespace sasgsim::test {

namespace fs = std::filesystem;

inline const std::string kBinary = std::string(SASGSIM_BINARY_DIR) + "/sasgsim";

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool have_fashion_mnist() {
  return fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}
inline bool have_mnist() {
  return fs::exists("data/mnist/train-images-idx3-ubyte") ||
         fs::exists("data/mnist/train-images-idx3-ubyte.gz");
}

// The named columns of a CSV file of numbers, row by row.
inline std::vector<std::vector<double>> csv_columns(const fs::path& file,
                                             const std::vector<std::string>& names) {
  std::istringstream lines(slurp(file));
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> header;
  for (std::istringstream cells(line); std::getline(cells, line, ',');) header.push_back(line);
  std::vector<size_t> index;
  for (const std::string& name : names) {
    index.push_back(static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin()));
    EXPECT_LT(index.back(), header.size()) << file << " has no column " << name;
  }
  std::vector<std::vector<double>> rows;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    for (std::istringstream in(line); std::getline(in, line, ',');) cells.push_back(line);
    std::vector<double> row;
    for (size_t i : index) row.push_back(i < cells.size() ? std::stod(cells[i]) : NAN);
    rows.push_back(row);
  }
  return rows;
}

class CliTest : public ::testing::Test {
 protected:
  CommandResult run(const std::string& args) {
    const fs::path out = dir_ / "stdout.txt";
    const fs::path err = dir_ / "stderr.txt";
    const std::string cmd = kBinary + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  fs::path write_json(const std::string& name, const nlohmann::json& j) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << j.dump(2);
    return p;
  }

  // A small synthetic scenario that runs in seconds and needs no downloaded data.
  static nlohmann::json synthetic_scenario() {
    return nlohmann::json::parse(R"({
      "name": "tiny",
      "seed": 7,
      "device": "cpu",
      "workers": 4,
      "data": {"dataset": "synthetic", "batch_size": 8,
               "synthetic": {"train_size": 640, "test_size": 128, "classes": 4,
                             "shape": [1, 8, 8], "noise": 1.0}},
      "model": "fc512",
      "train": {"iterations": 40, "lr": 0.05, "eval_every": 10, "target_accuracy": 50},
      "algorithms": ["sgd", "sparse", "lasg", "sasg"],
      "network": {"backend": "analytic", "bandwidth": "100Mbps", "latency": "1ms",
                  "schedule": "sequential"}
    })");
  }

  sasgsim::test::TempDir tmp_{"sasgsim_cli"};
  fs::path dir_ = tmp_.path();
};

}  // namespace sasgsim::test
