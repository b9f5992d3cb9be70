// The names of everything sasgsim writes, declared once: the columns of metrics.csv,
// uploads.csv, skips.csv, iterations.csv and sweep.csv and the keys of summary.json, each with its unit
// and meaning. The writers use these names; `sasgsim schema --results` prints them as JSON,
// which analysis/result_schema.json holds for the Python readers (a test keeps the two equal).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim::results {

struct Field {
  const char* name;
  const char* unit;     // "s", "bytes", "percent", ... or ""
  const char* meaning;
};

// <algorithm>/metrics.csv: one row per evaluation; counters are cumulative from iteration 0.
inline constexpr std::array<Field, 19> kMetrics{{
    {"iteration", "iterations", "iterations completed"},
    {"epoch", "epochs", "iteration / iterations per epoch"},
    {"lr", "", "learning rate of the last iteration"},
    {"rounds", "uploads", "uploads so far (warm-up uploads count)"},
    {"skipped", "uploads", "skipped uploads so far"},
    {"paper_bits", "bits", "32 bits per transmitted value, indices not counted (Table II)"},
    {"payload_bytes", "bytes", "encoded message bytes (values, indices, header)"},
    {"encoded_bits", "bits", "8 x payload_bytes: every algorithm's real payload, in bits"},
    {"wire_bytes", "bytes", "bytes on the simulated network (headers, ACKs, retransmissions)"},
    {"comm_time_s", "s", "simulated communication time"},
    {"iteration_comm_time_s", "s", "communication time of the last iteration alone"},
    {"compute_time_s", "s", "simulated compute time (the slowest worker's, per iteration)"},
    {"wall_time_s", "s", "simulated wall clock: compute + communication"},
    {"server_memory_bytes", "bytes", "bytes held for stale per-worker vectors (values + indices)"},
    {"train_loss", "", "mean minibatch loss at theta^t since the previous row"},
    {"test_loss", "", "mean cross-entropy over the test set"},
    {"test_acc", "percent", "top-1 accuracy on the test set"},
    {"test_top5_acc", "percent", "top-5 accuracy on the test set"},
    {"uploads_in_window", "uploads", "uploads since the previous row"},
}};

// <algorithm>/uploads.csv: one row per upload, enough to replay the network.
// Times are seconds after the iteration began (its workers starting to compute); a
// co-located worker 0's upload is not sent (computed_s up to its delivered_s).
inline constexpr std::array<Field, 11> kUploads{{
    {"iteration", "", "t, from 0"},
    {"worker", "", "m, from 0"},
    {"values", "values", "transmitted values"},
    {"payload_bytes", "bytes", "encoded message bytes"},
    {"forced", "", "1 when sent only because tau > D"},
    {"computed_s", "s", "its worker's computation done (every time from the iteration's start)"},
    {"prepared_s", "s", "the sender's per-message and per-byte costs done"},
    {"ready_s", "s", "the server's ready message arrived (rendezvous)"},
    {"start_s", "s", "first byte offered: prepared and ready"},
    {"delivered_s", "s", "last byte at the server"},
    {"finish_s", "s", "received and aggregated by the server (its receive costs done)"},
}};

// <algorithm>/skips.csv: one row per worker-iteration without upload.
inline constexpr std::array<Field, 3> kSkips{{
    {"iteration", "", "t, from 0"},
    {"worker", "", "m, from 0"},
    {"computed_s", "s", "its computation done (it then posts its receive of the model)"},
}};

// <algorithm>/iterations.csv: one row per iteration.
inline constexpr std::array<Field, 6> kIterations{{
    {"iteration", "", "t, from 0"},
    {"uploads", "uploads", "uploads in this iteration"},
    {"start_s", "s", "simulated wall clock at which the iteration begins (its compute first)"},
    {"compute_s", "s", "the iteration's compute time (the slowest worker's)"},
    {"worker0_computed_s", "s", "worker 0's computation done (a server hosting it receives then)"},
    {"comm_time_s", "s", "how long the iteration lasts beyond its compute (the slowest worker's)"},
}};

// <algorithm>/summary.json, every run.
namespace summary {
inline constexpr Field kAlgorithm{"algorithm", "", "the algorithm's label"};
inline constexpr Field kKind{"kind", "", "the algorithm's name (sgd, sparse, lasg, sasg, ...)"};
inline constexpr Field kTraits{"traits", "", "lazy, compresses, error_feedback, stores_vectors"};
inline constexpr Field kIterations{"iterations", "iterations", "iterations run"};
inline constexpr Field kRounds{"rounds", "uploads", "uploads (warm-up uploads count)"};
inline constexpr Field kSkipped{"skipped", "uploads", "worker-iterations without upload"};
inline constexpr Field kPaperBits{"paper_bits", "bits", "32 bits per transmitted value"};
inline constexpr Field kPayloadBytes{"payload_bytes", "bytes", "encoded message bytes"};
inline constexpr Field kEncodedBits{"encoded_bits", "bits", "8 x payload_bytes (real payload)"};
inline constexpr Field kWireBytes{"wire_bytes", "bytes", "bytes on the simulated network"};
inline constexpr Field kCommTime{"comm_time_s", "s", "simulated communication time"};
inline constexpr Field kComputeTime{"compute_time_s", "s", "simulated compute time"};
inline constexpr Field kWallTime{"wall_time_s", "s", "simulated compute + communication"};
inline constexpr Field kFinalAcc{"final_test_acc", "percent", "top-1 accuracy at the end"};
inline constexpr Field kFinalTop5{"final_test_top5_acc", "percent", "top-5 accuracy at the end"};
inline constexpr Field kFinalLoss{"final_test_loss", "", "test loss at the end"};
inline constexpr Field kServerMemory{"server_memory_bytes", "bytes",
                                     "stale per-worker vectors at the end: values + indices"};
inline constexpr Field kMaxServerMemory{"max_server_memory_bytes", "bytes",
                                        "largest server_memory_bytes during the run"};
inline constexpr Field kServerValueMemory{"server_memory_value_bytes", "bytes",
                                          "stale vectors at the end, values only (Table III)"};
inline constexpr Field kMaxServerValueMemory{"max_server_memory_value_bytes", "bytes",
                                             "largest server_memory_value_bytes during the run"};
inline constexpr Field kGradients{"gradients", "gradients",
                                  "gradient computations: M per iteration + aux_gradients"};
inline constexpr Field kAuxGradients{"aux_gradients", "gradients",
                                     "extra gradients at the stale point (lasg, sasg)"};
inline constexpr Field kTarget{"target_accuracy", "percent", "train.target_accuracy, or null"};
inline constexpr Field kNetwork{"network", "", "how the times were produced; traffic per link"};

// With a target: the figures at the first evaluation strictly above it (null: never reached).
inline constexpr Field kIterationsToTarget{"iterations_to_target", "iterations", ""};
inline constexpr Field kRoundsToTarget{"rounds_to_target", "uploads", ""};
inline constexpr Field kPaperBitsToTarget{"paper_bits_to_target", "bits", ""};
inline constexpr Field kPayloadBytesToTarget{"payload_bytes_to_target", "bytes", ""};
inline constexpr Field kEncodedBitsToTarget{"encoded_bits_to_target", "bits", ""};
inline constexpr Field kWireBytesToTarget{"wire_bytes_to_target", "bytes", ""};
inline constexpr Field kCommTimeToTarget{"comm_time_to_target_s", "s", ""};
inline constexpr Field kComputeTimeToTarget{"compute_time_to_target_s", "s", ""};
inline constexpr Field kWallTimeToTarget{"wall_time_to_target_s", "s", ""};

inline constexpr std::array<const Field*, 24> kAlways{
    &kAlgorithm,       &kKind,          &kTraits,           &kIterations,
    &kRounds,          &kSkipped,       &kPaperBits,        &kPayloadBytes,
    &kEncodedBits,     &kWireBytes,       &kCommTime,      &kComputeTime,      &kWallTime,
    &kFinalAcc,        &kFinalTop5,     &kFinalLoss,        &kServerMemory,
    &kMaxServerMemory, &kServerValueMemory, &kMaxServerValueMemory, &kGradients,
    &kAuxGradients,    &kTarget,        &kNetwork};
inline constexpr std::array<const Field*, 9> kWithTarget{
    &kIterationsToTarget, &kRoundsToTarget,    &kPaperBitsToTarget,   &kPayloadBytesToTarget,
    &kEncodedBitsToTarget, &kWireBytesToTarget,  &kCommTimeToTarget,  &kComputeTimeToTarget, &kWallTimeToTarget};
}  // namespace summary

// DIR/sweep.csv: "point", "algorithm", the swept keys, these summary figures, then "trained".
inline constexpr std::array<const Field*, 18> kSweepFigures{
    &summary::kIterations,          &summary::kRounds,
    &summary::kSkipped,             &summary::kPaperBits,
    &summary::kPayloadBytes,        &summary::kEncodedBits,
    &summary::kWireBytes,
    &summary::kCommTime,            &summary::kIterationsToTarget,
    &summary::kRoundsToTarget,      &summary::kPaperBitsToTarget,
    &summary::kPayloadBytesToTarget, &summary::kEncodedBitsToTarget,
    &summary::kWireBytesToTarget,
    &summary::kCommTimeToTarget,    &summary::kFinalAcc,
    &summary::kFinalTop5,           &summary::kFinalLoss};
inline constexpr Field kSweepPoint{"point", "", "the point's directory name"};
inline constexpr Field kSweepAlgorithm{"algorithm", "", "the algorithm's label"};
inline constexpr Field kSweepTrained{"trained", "", "1 when this point trained, 0 when replayed"};

// The cells of one line of a result CSV (no quoting: result cells hold no commas); a Windows
// line end is dropped.
std::vector<std::string> csv_cells(std::string line);

// "a,b,c\n" for a list of columns.
template <size_t N>
std::string csv_header(const std::array<Field, N>& fields) {
  std::string line;
  for (size_t i = 0; i < N; ++i) line += std::string(i ? "," : "") + fields[i].name;
  return line + "\n";
}

// Everything above as JSON: {"metrics.csv": [{"name", "unit", "meaning"}...], ...,
// "summary.json": {"always": [...], "with_target": [...]}, "sweep.csv": {...}, "algorithms":
// [{"name", "lazy", ...}]} (the last from the algorithm catalog, for styles and reports).
nlohmann::json schema_json();

}  // namespace sasgsim::results
