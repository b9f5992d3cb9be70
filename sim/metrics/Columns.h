// Column names of every CSV file sasgsim writes, defined once.
#pragma once

#include <array>
#include <string>

namespace sasgsim::columns {

// <algorithm>/metrics.csv: one row per evaluation; counters are cumulative from iteration 0.
inline constexpr std::array<const char*, 18> kMetrics{
    "iteration",            // iterations completed
    "epoch",                // iteration / iterations_per_epoch
    "lr",                   // learning rate of the last iteration
    "rounds",               // uploads so far (warm-up uploads count)
    "skipped",              // skipped uploads so far
    "paper_bits",           // 32 bits per transmitted value (indices not counted)
    "payload_bytes",        // encoded message bytes (values, indices, header)
    "wire_bytes",           // bytes on the simulated network
    "comm_time_s",          // simulated communication time
    "iteration_comm_time_s",  // communication time of the last iteration alone
    "compute_time_s",       // simulated compute time (the slowest worker's, per iteration)
    "wall_time_s",          // simulated wall clock: compute + communication
    "server_memory_bytes",  // bytes held for stale per-worker vectors
    "train_loss",           // mean minibatch loss at theta^t since the previous row
    "test_loss",            // mean cross-entropy over the test set
    "test_acc",             // top-1 accuracy on the test set, percent
    "test_top5_acc",        // top-5 accuracy on the test set, percent
    "uploads_in_window",    // uploads since the previous row
};

// <algorithm>/uploads.csv: one row per upload, enough to replay the network.
inline constexpr std::array<const char*, 7> kUploads{
    "iteration",      // t, from 0
    "worker",         // m, from 0
    "values",         // transmitted values
    "payload_bytes",  // encoded message bytes
    "forced",         // 1 when sent only because tau > D
    "start_s",        // first byte offered, seconds after the iteration's communication began
    "finish_s",       // last byte delivered, seconds after the iteration's communication began
};

// <algorithm>/iterations.csv: one row per iteration.
inline constexpr std::array<const char*, 5> kIterations{
    "iteration",    // t, from 0
    "uploads",      // uploads in this iteration
    "start_s",      // simulated wall clock at which the iteration begins (its compute first)
    "compute_s",    // the iteration's compute time (the slowest worker's)
    "comm_time_s",  // the iteration's communication time, which follows the compute
};

// "a,b,c\n" for a list of column names.
template <size_t N>
std::string csv_header(const std::array<const char*, N>& names) {
  std::string line;
  for (size_t i = 0; i < N; ++i) {
    if (i) line += ',';
    line += names[i];
  }
  line += '\n';
  return line;
}

}  // namespace sasgsim::columns
