#include "sim/runtime/RunRecorder.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/checkpoint/StateArchive.h"
#include "sim/metrics/ResultSchema.h"
#include "sim/net/Network.h"
#include "sim/runtime/UploadsTrace.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {

std::string format_number(double v) { return fmt::format("{:.9g}", v); }

std::string memo_note(const RunSummary& summary) {
  constexpr int64_t kFewPatterns = 100;  // below this, memo's extra simulations cost little
  const nlohmann::json memo = summary.network.value("memo", nlohmann::json::object());
  const int64_t patterns = memo.value("patterns", int64_t{0});
  const int64_t reused = memo.value("reused", int64_t{0});
  if (patterns < kFewPatterns || reused >= patterns) return "";
  const int64_t runs = memo.value("warmup_runs", int64_t{0}) +
                       memo.value("samples_per_pattern", int64_t{0});
  return fmt::format(
      "note: {}: network fidelity memo simulated {} distinct upload patterns and reused them "
      "only {} times: its upload sizes change from one upload to the next, and memo simulates "
      "each new pattern {} times; \"network\": {{\"fidelity\": \"exact\"}} simulates each "
      "iteration once and is faster here (the two agree within 2%, scenarios/README.md)",
      summary.algorithm, patterns, reused, runs);
}

nlohmann::json RunSummary::to_json() const {
  namespace k = results::summary;
  nlohmann::json j = {
      {k::kAlgorithm.name, algorithm},
      {k::kKind.name, kind},
      {k::kTraits.name, traits},
      {k::kIterations.name, total.iteration},
      {k::kRounds.name, total.rounds},
      {k::kSkipped.name, total.skipped},
      {k::kPaperBits.name, total.paper_bits},
      {k::kPayloadBytes.name, total.payload_bytes},
      {k::kEncodedBits.name, 8 * total.payload_bytes},
      {k::kWireBytes.name, total.wire_bytes},
      {k::kCommTime.name, total.comm_time_s},
      {k::kComputeTime.name, total.compute_time_s},
      {k::kWallTime.name, total.compute_time_s + total.comm_time_s},
      {k::kFinalAcc.name, final_test_acc},
      {k::kFinalTop5.name, final_test_top5_acc},
      {k::kFinalLoss.name, final_test_loss},
      {k::kServerMemory.name, server_memory_bytes},
      {k::kMaxServerMemory.name, max_server_memory_bytes},
      {k::kServerValueMemory.name, server_memory_value_bytes},
      {k::kMaxServerValueMemory.name, max_server_memory_value_bytes},
      {k::kGradients.name, gradients},
      {k::kAuxGradients.name, aux_gradients},
      {k::kNetwork.name, network},
      {k::kTarget.name, target_accuracy ? nlohmann::json(*target_accuracy) : nlohmann::json()},
  };
  if (!target_accuracy) return j;
  auto at = [&](auto getter) {
    return at_target ? nlohmann::json(getter(*at_target)) : nlohmann::json();
  };
  j[k::kIterationsToTarget.name] = at([](const Counters& c) { return c.iteration; });
  j[k::kRoundsToTarget.name] = at([](const Counters& c) { return c.rounds; });
  j[k::kPaperBitsToTarget.name] = at([](const Counters& c) { return c.paper_bits; });
  j[k::kPayloadBytesToTarget.name] = at([](const Counters& c) { return c.payload_bytes; });
  j[k::kEncodedBitsToTarget.name] = at([](const Counters& c) { return 8 * c.payload_bytes; });
  j[k::kWireBytesToTarget.name] = at([](const Counters& c) { return c.wire_bytes; });
  j[k::kCommTimeToTarget.name] = at([](const Counters& c) { return c.comm_time_s; });
  j[k::kComputeTimeToTarget.name] = at([](const Counters& c) { return c.compute_time_s; });
  j[k::kWallTimeToTarget.name] =
      at([](const Counters& c) { return c.compute_time_s + c.comm_time_s; });
  return j;
}

RunSummary RunSummary::from_json(const nlohmann::json& j) {
  namespace k = results::summary;
  RunSummary s;
  s.algorithm = j.at(k::kAlgorithm.name).get<std::string>();
  s.kind = j.at(k::kKind.name).get<std::string>();
  s.traits = j.at(k::kTraits.name);
  s.final_test_acc = j.at(k::kFinalAcc.name).get<double>();
  s.final_test_top5_acc = j.at(k::kFinalTop5.name).get<double>();
  s.final_test_loss = j.at(k::kFinalLoss.name).get<double>();
  s.server_memory_bytes = j.at(k::kServerMemory.name).get<int64_t>();
  s.max_server_memory_bytes = j.at(k::kMaxServerMemory.name).get<int64_t>();
  s.server_memory_value_bytes = j.at(k::kServerValueMemory.name).get<int64_t>();
  s.max_server_memory_value_bytes = j.at(k::kMaxServerValueMemory.name).get<int64_t>();
  s.gradients = j.at(k::kGradients.name).get<int64_t>();
  s.aux_gradients = j.at(k::kAuxGradients.name).get<int64_t>();
  s.total.iteration = j.at(k::kIterations.name).get<int64_t>();
  s.total.rounds = j.at(k::kRounds.name).get<int64_t>();
  s.total.skipped = j.at(k::kSkipped.name).get<int64_t>();
  s.total.paper_bits = j.at(k::kPaperBits.name).get<int64_t>();
  s.total.payload_bytes = j.at(k::kPayloadBytes.name).get<int64_t>();
  s.total.wire_bytes = j.at(k::kWireBytes.name).get<int64_t>();
  s.total.comm_time_s = j.at(k::kCommTime.name).get<double>();
  s.total.compute_time_s = j.at(k::kComputeTime.name).get<double>();
  const nlohmann::json& target = j.at(k::kTarget.name);
  if (!target.is_null()) s.target_accuracy = target.get<double>();
  return s;
}

RunRecorder::RunRecorder(std::string dir, Network& network, int workers,
                         AtomicFile::Start start)
    : dir_(std::move(dir)),
      network_(network),
      workers_(workers),
      uploads_file_(dir_ + "/uploads.csv", start),
      skips_file_(dir_ + "/skips.csv", start),
      iterations_file_(dir_ + "/iterations.csv", start),
      metrics_text_(results::csv_header(results::kMetrics)) {
  if (start == AtomicFile::Start::kContinue) return;
  // The new files are written under temporary names; the old ones must not pass for them.
  for (const char* stale :
       {"summary.json", "metrics.csv", "uploads.csv", "skips.csv", "iterations.csv"}) {
    std::filesystem::remove(std::filesystem::path(dir_) / stale);
  }
  uploads_file_.stream() << results::csv_header(results::kUploads);
  skips_file_.stream() << results::csv_header(results::kSkips);
  iterations_file_.stream() << results::csv_header(results::kIterations);
}

namespace {

std::vector<Upload> transfers_of(const std::vector<UploadRecord>& uploads) {
  std::vector<Upload> transfers;
  transfers.reserve(uploads.size());
  for (const UploadRecord& up : uploads) {
    transfers.push_back(Upload{up.worker, up.payload_bytes, up.computed_s});
  }
  return transfers;
}

void visit_counters(StateArchive& archive, Counters& c) {
  archive.integer("iteration", c.iteration);
  archive.integer("rounds", c.rounds);
  archive.integer("skipped", c.skipped);
  archive.integer("paper_bits", c.paper_bits);
  archive.integer("payload_bytes", c.payload_bytes);
  archive.integer("wire_bytes", c.wire_bytes);
  archive.number("comm_time_s", c.comm_time_s);
  archive.number("compute_time_s", c.compute_time_s);
}

}  // namespace

void RunRecorder::record_iteration(int64_t t, const std::vector<UploadRecord>& uploads,
                                   const ComputeSpan& compute) {
  const std::vector<Upload> transfers = transfers_of(uploads);
  for (const UploadRecord& up : uploads) {
    ++counters_.rounds;
    counters_.paper_bits += 32 * up.values;
    counters_.payload_bytes += up.payload_bytes;
  }
  counters_.skipped += workers_ - static_cast<int64_t>(uploads.size());

  const auto start = std::chrono::steady_clock::now();
  const TransferResult timing = network_.transfer(t, transfers, compute);
  network_host_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (timing.finish_s.size() != uploads.size() || timing.start_s.size() != uploads.size() ||
      timing.prepared_s.size() != uploads.size() || timing.ready_s.size() != uploads.size() ||
      timing.delivered_s.size() != uploads.size()) {
    throw std::logic_error("network backend returned the wrong number of upload times");
  }
  std::ostream& out = uploads_file_.stream();
  for (size_t i = 0; i < uploads.size(); ++i) {
    out << t << ',' << uploads[i].worker << ',' << uploads[i].values << ','
        << uploads[i].payload_bytes << ',' << (uploads[i].forced ? 1 : 0) << ','
        << fmt::format("{}", uploads[i].computed_s) << ','
        << format_number(timing.prepared_s[i]) << ',' << format_number(timing.ready_s[i]) << ','
        << format_number(timing.start_s[i]) << ',' << format_number(timing.delivered_s[i]) << ','
        << format_number(timing.finish_s[i]) << '\n';
  }
  write_skips(t, uploads, compute);
  iterations_file_.stream() << t << ',' << uploads.size() << ','
                            << format_number(counters_.compute_time_s + counters_.comm_time_s)
                            << ',' << fmt::format("{}", compute.slowest_s) << ','
                            << fmt::format("{}", compute.worker0_s) << ','
                            << format_number(timing.comm_time_s) << '\n';
  counters_.comm_time_s += timing.comm_time_s;
  counters_.compute_time_s += compute.slowest_s;
  counters_.wire_bytes += timing.wire_bytes;
  counters_.iteration = t + 1;
  last_iteration_comm_s_ = timing.comm_time_s;
  uploads_in_window_ += static_cast<int64_t>(uploads.size());
}

void RunRecorder::write_skips(int64_t t, const std::vector<UploadRecord>& uploads,
                              const ComputeSpan& compute) {
  std::vector<bool> uploaded(static_cast<size_t>(workers_), false);
  for (const UploadRecord& up : uploads) uploaded.at(static_cast<size_t>(up.worker)) = true;
  for (int m = 0; m < workers_; ++m) {
    if (!uploaded[m]) {
      skips_file_.stream() << t << ',' << m << ',' << fmt::format("{}", compute.worker_s(m))
                           << '\n';
    }
  }
}

void RunRecorder::record_evaluation(const EvaluationRecord& row, bool reached_target) {
  if (row.iteration != counters_.iteration) {
    throw std::logic_error("RunRecorder: an evaluation must follow its iteration");
  }
  metrics_text_ += fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", row.iteration, row.epoch,
      row.lr, counters_.rounds, counters_.skipped, counters_.paper_bits, counters_.payload_bytes,
      8 * counters_.payload_bytes, counters_.wire_bytes, format_number(counters_.comm_time_s),
      format_number(last_iteration_comm_s_), format_number(counters_.compute_time_s),
      format_number(counters_.compute_time_s + counters_.comm_time_s), row.server_memory_bytes, row.train_loss,
      row.test_loss, row.test_acc, row.test_top5_acc, uploads_in_window_);
  uploads_in_window_ = 0;
  // Rewritten whole at every evaluation so a long run always has readable metrics.
  write_file_atomically(dir_ + "/metrics.csv", metrics_text_);
  if (reached_target && !at_target_) at_target_ = counters_;
}

void RunRecorder::visit_state(StateArchive& archive) {
  {
    StateArchive::Scope scope(archive, "counters");
    visit_counters(archive, counters_);
  }
  bool reached = at_target_.has_value();
  archive.flag("reached_target", reached);
  if (reached) {
    if (!at_target_) at_target_ = Counters{};
    StateArchive::Scope scope(archive, "at_target");
    visit_counters(archive, *at_target_);
  } else {
    at_target_.reset();
  }
  archive.number("last_iteration_comm_s", last_iteration_comm_s_);
  archive.integer("uploads_in_window", uploads_in_window_);
  archive.number("network_host_seconds", network_host_seconds_);
  archive.text("metrics", metrics_text_);
  if (!archive.loading()) {
    uploads_bytes_ = uploads_file_.flush();
    skips_bytes_ = skips_file_.flush();
    iterations_bytes_ = iterations_file_.flush();
  }
  archive.integer("uploads_bytes", uploads_bytes_);
  archive.integer("skips_bytes", skips_bytes_);
  archive.integer("iterations_bytes", iterations_bytes_);
}

void RunRecorder::resume() {
  uploads_file_.continue_at(uploads_bytes_);
  skips_file_.continue_at(skips_bytes_);
  iterations_file_.continue_at(iterations_bytes_);
  uploads_file_.flush();
  skips_file_.flush();
  iterations_file_.flush();
  write_file_atomically(dir_ + "/metrics.csv", metrics_text_);
  const std::string partial = ".csv.partial";
  UploadsTrace trace(Csv(dir_ + "/uploads" + partial), Csv(dir_ + "/skips" + partial),
                     Csv(dir_ + "/iterations" + partial), workers_);
  if (trace.iterations() != counters_.iteration) {
    throw DataError(fmt::format("{}: {} iterations in iterations.csv.partial, the checkpoint "
                                "has {}",
                                dir_, trace.iterations(), counters_.iteration));
  }
  double comm_time_s = 0.0;
  int64_t wire_bytes = 0;
  for (int64_t t = 0; t < counters_.iteration; ++t) {
    const std::vector<UploadRecord> uploads = trace.uploads(t);
    const TransferResult timing =
        network_.transfer(t, transfers_of(uploads), trace.compute_span(t, uploads));
    comm_time_s += timing.comm_time_s;
    wire_bytes += timing.wire_bytes;
  }
  if (!trace.all_read() || comm_time_s != counters_.comm_time_s ||
      wire_bytes != counters_.wire_bytes) {
    throw DataError(fmt::format(
        "{}: re-timing the {} iterations before the checkpoint gives {} s and {} wire bytes, "
        "the checkpoint holds {} s and {} bytes: the network or the partial files changed "
        "since; run again without --resume",
        dir_, counters_.iteration, format_number(comm_time_s), wire_bytes,
        format_number(counters_.comm_time_s), counters_.wire_bytes));
  }
}

void RunRecorder::finish(RunSummary& summary) {
  uploads_file_.commit();
  skips_file_.commit();
  iterations_file_.commit();
  summary.total = counters_;
  summary.at_target = at_target_;
  summary.network = network_.summary();
  summary.network_host_seconds = network_host_seconds_;
  write_file_atomically(dir_ + "/summary.json", summary.to_json().dump(2) + "\n");
  if (const std::string note = memo_note(summary); !note.empty()) {
    std::fprintf(stderr, "%s\n", note.c_str());
  }
}

}  // namespace sasgsim
