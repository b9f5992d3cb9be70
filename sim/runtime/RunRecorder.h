// Everything of a run that depends on the network: it times each iteration's uploads on the
// network backend, keeps the cumulative counters, and writes uploads.csv, skips.csv,
// iterations.csv, metrics.csv and summary.json. The training loop and the replay of a finished run share it,
// so a replay writes exactly what a full run with the same network would.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/metrics/AtomicFile.h"
#include "sim/net/Network.h"

namespace sasgsim {


// Cumulative figures of a run (or of the run up to the target accuracy).
struct Counters {
  int64_t iteration = 0;  // iterations completed
  int64_t rounds = 0;
  int64_t skipped = 0;
  int64_t paper_bits = 0;
  int64_t payload_bytes = 0;
  int64_t wire_bytes = 0;
  double comm_time_s = 0.0;
  double compute_time_s = 0.0;  // simulated; wall time = compute + communication
};

struct RunSummary {
  std::string algorithm;   // label
  std::string kind;        // the algorithm's name: sgd, sparse, lasg, sasg, ...
  nlohmann::json traits;   // its AlgorithmTraits: lazy, compresses, error_feedback, stores_vectors
  Counters total;
  double final_test_acc = 0.0;
  double final_test_top5_acc = 0.0;
  double final_test_loss = 0.0;
  int64_t server_memory_bytes = 0;      // at the end of the run: values + indices
  int64_t max_server_memory_bytes = 0;  // largest during the run
  int64_t server_memory_value_bytes = 0;      // values only (the paper's Table III convention)
  int64_t max_server_memory_value_bytes = 0;
  int64_t gradients = 0;                // gradient computations: M per iteration + auxiliary
  int64_t aux_gradients = 0;            // extra gradients at theta_hat (lasg, sasg)
  std::optional<double> target_accuracy;
  std::optional<Counters> at_target;    // first evaluation strictly above the target
  nlohmann::json network;               // the network backend's summary (links, drops, mode)
  double host_seconds = 0.0;            // wall-clock time of this process (not simulated)
  double network_host_seconds = 0.0;    // part of host_seconds spent in the network backend
  nlohmann::json to_json() const;       // summary.json (host seconds excluded: deterministic)
  // Reads summary.json back, totals included (at-target figures and the network summary are
  // not: a replay's recorder recomputes them).
  static RunSummary from_json(const nlohmann::json& j);
};

// One upload of an iteration, as the algorithm decided it.
struct UploadRecord {
  int worker = 0;
  int64_t values = 0;         // transmitted values
  int64_t payload_bytes = 0;  // encoded message bytes
  bool forced = false;        // sent only because tau > D
  double computed_s = 0.0;    // its worker's computation done, from the iteration's start
};

// The network-independent fields of a metrics.csv row, already formatted.
struct EvaluationRecord {
  int64_t iteration = 0;  // iterations completed
  std::string epoch, lr, server_memory_bytes, train_loss, test_loss, test_acc, test_top5_acc;
};

// Whether an evaluation's accuracy reaches the target: strictly above it, as the paper's code
// tests (`test_acc > 98.0`); accuracies are multiples of 0.01%, so equality happens.
inline bool reaches_target(double accuracy_pct, double target_pct) {
  return accuracy_pct > target_pct;
}

// Advice for a run whose ns-3 memo fidelity simulated many upload patterns and reused few
// (upload sizes that change with the data, as with the threshold compressor): memo simulates
// each new pattern several times, so exact fidelity is faster there. Empty otherwise.
std::string memo_note(const RunSummary& summary);

// Doubles in result files: 9 significant digits, enough to tell float32 values apart and
// stable, so identical runs give byte-identical files.
std::string format_number(double v);

class StateArchive;

class RunRecorder {
 public:
  // kNew removes an earlier run's files from `dir` (summary.json first: it marks a finished
  // run) and starts them; kContinue leaves them for resume().
  RunRecorder(std::string dir, Network& network, int workers,
              AtomicFile::Start start = AtomicFile::Start::kNew);

  // Times iteration t's uploads (in worker order, each after its worker's computation) within
  // the iteration's computation `compute` (with every worker's time), and writes their rows
  // and those of the workers that do not upload.
  void record_iteration(int64_t t, const std::vector<UploadRecord>& uploads,
                        const ComputeSpan& compute);
  // Appends a metrics.csv row (the file is rewritten atomically); the first row with
  // reached_target fixes the at-target figures.
  void record_evaluation(const EvaluationRecord& row, bool reached_target);
  // Completes uploads.csv, skips.csv and iterations.csv, fills the summary's counters, at-target figures
  // and network summary, writes summary.json, and prints memo_note's advice on stderr.
  void finish(RunSummary& summary);

  // The counters, the metrics rows and how far each partial file was written (StateArchive.h).
  void visit_state(StateArchive& archive);
  // After a checkpoint's state is restored (kContinue): cuts the partial files back to the
  // checkpoint, rewrites metrics.csv, and re-times the checkpoint's iterations from the
  // partial files on the network, which rebuilds its state; throws DataError when that does
  // not give the checkpoint's communication time and wire bytes exactly.
  void resume();

  const Counters& counters() const { return counters_; }
  bool reached_target() const { return at_target_.has_value(); }
  double network_host_seconds() const { return network_host_seconds_; }

 private:
  void write_skips(int64_t t, const std::vector<UploadRecord>& uploads,
                   const ComputeSpan& compute);

  std::string dir_;
  Network& network_;
  int workers_;
  AtomicFile uploads_file_;
  AtomicFile skips_file_;
  AtomicFile iterations_file_;
  std::string metrics_text_;
  Counters counters_;
  std::optional<Counters> at_target_;
  double last_iteration_comm_s_ = 0.0;
  int64_t uploads_in_window_ = 0;
  double network_host_seconds_ = 0.0;
  // The partial files' lengths at the checkpoint restored (resume()).
  int64_t uploads_bytes_ = 0;
  int64_t skips_bytes_ = 0;
  int64_t iterations_bytes_ = 0;
};

}  // namespace sasgsim
