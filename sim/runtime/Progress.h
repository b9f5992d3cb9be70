// The progress line on stderr during runs: algorithm, iteration/total, test accuracy,
// simulated time and ETA. Redrawn in place on a terminal, one line every few seconds otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sasgsim {

struct ProgressState {
  int64_t iteration = 0;        // iterations completed
  int64_t total = 0;
  double test_acc = -1.0;       // percent; negative until the first evaluation
  double comm_time_s = 0.0;     // simulated communication time so far
  int64_t rounds = 0;
};

class Progress {
 public:
  // label: e.g. "quickstart sasg (4/4)"; quiet: print nothing.
  Progress(std::string label, bool quiet);
  // Cheap to call every iteration; prints at most a few times per second.
  void update(const ProgressState& state);
  // Prints the final line for this algorithm.
  void finish(const ProgressState& state);

 private:
  void print(const ProgressState& state, bool final_line);
  std::string label_;
  bool quiet_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace sasgsim
