#include "sim/runtime/Replay.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "sim/metrics/AtomicFile.h"
#include "sim/metrics/ResultSchema.h"
#include "sim/net/Network.h"
#include "sim/runtime/Progress.h"
#include "sim/runtime/RunRecorder.h"
#include "sim/runtime/UploadsTrace.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{} is not valid JSON: {}", path.string(), e.what()));
  }
}

// Only the network may change in a replay: the uploads trace is valid for nothing else.
void check_overrides(const std::vector<std::string>& overrides) {
  for (const std::string& assignment : overrides) {
    const std::string key = assignment.substr(0, assignment.find('='));
    if (key != "network" && key.rfind("network.", 0) != 0 && key.rfind(".network", 0) != 0) {
      throw UsageError(fmt::format(
          "replay --set {}: a replay re-times the network only, so only network.* keys can "
          "change; for other keys run the scenario again with `sasgsim run`",
          assignment));
    }
  }
}

// The run's resolved TCP buffers were derived from its network's bandwidth-delay product
// unless its scenario set them otherwise: drop the derived ones from `doc` (the run's resolved
// scenario) so that the replayed network derives its own.
void drop_derived_buffers(nlohmann::json& doc, const std::string& where) {
  const Scenario run = parse_scenario(doc, where);
  if (run.network.backend != NetworkBackendKind::kNs3) return;
  NetworkOptions bare = run.network;
  bare.transport.send_buffer_bytes.reset();
  bare.transport.receive_buffer_bytes.reset();
  const TransportOptions derived = resolved_transport(bare);
  nlohmann::json& transport = doc["network"]["transport"];
  if (!transport.is_object()) return;
  if (run.network.transport.send_buffer_bytes == derived.send_buffer_bytes) {
    transport.erase("send_buffer");
  }
  if (run.network.transport.receive_buffer_bytes == derived.receive_buffer_bytes) {
    transport.erase("receive_buffer");
  }
}

// What a finished run left of one algorithm: its summary and the rows that replay it.
struct Trace {
  nlohmann::json original;  // summary.json
  UploadsTrace rows;        // the compute model is not a network setting: it is kept
  Csv metrics;
  int64_t iterations_run = 0;
};

// The iterations the run of `source` completed: `planned`, or fewer where train.stop_at_target
// ended it at the target.
int64_t iterations_run(const Trace& trace, const fs::path& source, int64_t planned) {
  const nlohmann::json& ran = trace.original.value("iterations", nlohmann::json());
  if (!ran.is_number_integer() || ran.get<int64_t>() < 1 || ran.get<int64_t>() > planned) {
    throw DataError(fmt::format("{}: \"iterations\" must be an integer from 1 to the "
                                "scenario's {} iterations, got {}",
                                (source / "summary.json").string(), planned, ran.dump()));
  }
  return ran.get<int64_t>();
}

Trace read_trace(const fs::path& source, int64_t planned, int workers) {
  if (!fs::exists(source / "skips.csv")) {
    throw DataError(fmt::format("{} is missing: the run was written by an older sasgsim, whose "
                                "results a replay cannot re-time; run the scenario again",
                                (source / "skips.csv").string()));
  }
  for (const char* file : {"summary.json", "uploads.csv", "metrics.csv", "iterations.csv"}) {
    if (!fs::exists(source / file)) {
      throw DataError(fmt::format("cannot read {}: a replay needs the complete results of "
                                  "`sasgsim run`",
                                  (source / file).string()));
    }
  }
  Trace trace{read_json(source / "summary.json"),
              UploadsTrace(Csv(source / "uploads.csv"), Csv(source / "skips.csv"),
                           Csv(source / "iterations.csv"), workers),
              Csv(source / "metrics.csv")};
  trace.iterations_run = iterations_run(trace, source, planned);
  if (trace.rows.iterations() != trace.iterations_run) {
    throw DataError(fmt::format("{}: {} rows, expected one per iteration ({})",
                                (source / "iterations.csv").string(), trace.rows.iterations(),
                                trace.iterations_run));
  }
  return trace;
}

// The network-independent cells of a metrics.csv row.
EvaluationRecord evaluation_of(const Csv& metrics, const std::vector<std::string>& row) {
  EvaluationRecord e;
  e.iteration = metrics.integer(row, metrics.index("iteration"));
  e.epoch = row[metrics.index("epoch")];
  e.lr = row[metrics.index("lr")];
  e.server_memory_bytes = row[metrics.index("server_memory_bytes")];
  e.train_loss = row[metrics.index("train_loss")];
  e.test_loss = row[metrics.index("test_loss")];
  e.test_acc = row[metrics.index("test_acc")];
  e.test_top5_acc = row[metrics.index("test_top5_acc")];
  return e;
}

// The trace must reproduce the training-side counters; otherwise it is not this run's.
void check_counters(const Counters& c, const nlohmann::json& original, const fs::path& source) {
  if (c.rounds != original.at("rounds").get<int64_t>() ||
      c.skipped != original.at("skipped").get<int64_t>() ||
      c.paper_bits != original.at("paper_bits").get<int64_t>() ||
      c.payload_bytes != original.at("payload_bytes").get<int64_t>()) {
    throw DataError(fmt::format("{}: uploads.csv does not add up to summary.json's rounds, "
                                "skipped, paper_bits and payload_bytes",
                                source.string()));
  }
}

RunSummary replay_algorithm(const fs::path& source, const std::string& out_dir,
                            const Scenario& scenario, const NetworkSetup& setup,
                            int64_t planned, const std::string& progress_label, bool quiet) {
  Trace trace = read_trace(source, planned, scenario.workers);
  const int64_t iterations = trace.iterations_run;
  RunSummary summary;
  try {
    summary = RunSummary::from_json(trace.original);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: {}", (source / "summary.json").string(), e.what()));
  }
  const nlohmann::json& reached = trace.original.value("iterations_to_target", nlohmann::json());
  const int64_t target_iteration = reached.is_number_integer() ? reached.get<int64_t>() : -1;
  std::unique_ptr<Network> network = make_network(scenario.network, setup);
  RunRecorder recorder(out_dir, *network, scenario.workers);
  Progress progress(progress_label, quiet);
  ProgressState state;
  state.total = iterations;
  size_t next_metric = 0;
  const Csv& metrics = trace.metrics;
  for (int64_t t = 0; t < iterations; ++t) {
    const std::vector<UploadRecord> uploads = trace.rows.uploads(t);
    recorder.record_iteration(t, uploads, trace.rows.compute_span(t, uploads));
    while (next_metric < metrics.rows.size() &&
           metrics.integer(metrics.rows[next_metric], metrics.index("iteration")) == t + 1) {
      const EvaluationRecord e = evaluation_of(metrics, metrics.rows[next_metric++]);
      recorder.record_evaluation(e, t + 1 == target_iteration);
      state.test_acc = std::strtod(e.test_acc.c_str(), nullptr);
    }
    state.iteration = t + 1;
    state.rounds = recorder.counters().rounds;
    state.comm_time_s = recorder.counters().comm_time_s;
    progress.update(state);
  }
  progress.finish(state);
  if (!trace.rows.all_read() || next_metric != metrics.rows.size()) {
    throw DataError(fmt::format("{}: the uploads, skips or metrics rows are out of order or beyond "
                                "iteration {}",
                                source.string(), iterations));
  }
  recorder.finish(summary);
  check_counters(recorder.counters(), trace.original, source);
  return summary;
}

// The labels of the run to replay: all of them, or those of --only.
std::vector<std::string> chosen_labels(const nlohmann::json& source,
                                       const std::vector<std::string>& only,
                                       const fs::path& run_dir) {
  std::vector<std::string> labels = source.at("algorithms").get<std::vector<std::string>>();
  if (only.empty()) return labels;
  std::set<std::string> wanted(only.begin(), only.end());
  std::vector<std::string> chosen;
  for (const std::string& label : labels) {
    if (wanted.erase(label)) chosen.push_back(label);
  }
  if (!wanted.empty()) {
    throw UsageError(fmt::format("--only: the run in {} has no algorithm \"{}\"",
                                 run_dir.string(), *wanted.begin()));
  }
  return chosen;
}

// The source run's manifest, checked to be a complete single-seed run.
nlohmann::json read_source_manifest(const fs::path& run_dir) {
  const nlohmann::json source = read_json(run_dir / "manifest.json");
  if (source.contains("runs")) {
    throw UsageError(fmt::format("{} holds one run per seed: replay each seed's directory "
                                 "(e.g. {}/{})",
                                 run_dir.string(), run_dir.string(),
                                 source["runs"].empty() ? "seed-1"
                                                        : source["runs"][0].get<std::string>()));
  }
  if (!source.value("complete", false)) {
    throw DataError(fmt::format("{} is an incomplete run (manifest.json has no "
                                "\"complete\": true); finish it with `sasgsim run` first",
                                run_dir.string()));
  }
  if (!source.contains("model_bytes")) {
    throw DataError(fmt::format("{}/manifest.json lacks \"model_bytes\": it was written by an "
                                "older sasgsim; run the scenario again",
                                run_dir.string()));
  }
  return source;
}

}  // namespace

ScenarioResult replay_run(const ReplayRequest& request) {
  check_overrides(request.overrides);
  const fs::path run_dir(request.run_dir);
  const nlohmann::json source = read_source_manifest(run_dir);
  ScenarioResult result;
  result.out_dir = request.out_dir.empty() ? run_dir.string() + "-replay" : request.out_dir;
  std::error_code ec;
  if (fs::exists(result.out_dir) && fs::equivalent(result.out_dir, run_dir, ec)) {
    throw UsageError("replay --out must differ from the run it replays");
  }
  nlohmann::json doc = source.at("scenario");
  drop_derived_buffers(doc, "the run's scenario in " + (run_dir / "manifest.json").string());
  apply_overrides(doc, request.overrides);
  const Scenario scenario = parse_scenario(doc, "replay of " + run_dir.string());
  if (std::vector<ScenarioIssue> issues = check_network(scenario.network); !issues.empty()) {
    throw ScenarioError("replay of " + run_dir.string(), std::move(issues));
  }
  NetworkSetup setup;
  setup.workers = scenario.workers;
  setup.model_bytes = source.at("model_bytes").get<int64_t>();
  setup.seed = scenario.seed;
  const int64_t iterations = source.at("iterations").get<int64_t>();
  const std::vector<std::string> labels = chosen_labels(source, request.only, run_dir);

  nlohmann::json manifest = source;
  manifest["scenario"] = scenario.resolved;
  manifest["network_backend"] = to_string(scenario.network.backend);
  manifest["replayed_from"] = fs::absolute(run_dir).lexically_normal().string();
  manifest["command"] = request.command_line;
  manifest["algorithms"] = labels;
  manifest["complete"] = false;
  manifest["training_host_seconds"] = source.value("host_seconds", nlohmann::json::object());
  manifest.erase("host_seconds");
  manifest.erase("network_host_seconds");
  const std::string manifest_path = result.out_dir + "/manifest.json";
  fs::create_directories(result.out_dir);
  write_file_atomically(manifest_path, manifest.dump(2) + "\n");

  nlohmann::json host_seconds = nlohmann::json::object();
  nlohmann::json network_host_seconds = nlohmann::json::object();
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    const std::string label = fmt::format("[{}] {} replay ({}/{})", scenario.name, labels[i],
                                          i + 1, labels.size());
    RunSummary summary = replay_algorithm(run_dir / labels[i], result.out_dir + "/" + labels[i],
                                          scenario, setup, iterations, label, request.quiet);
    summary.host_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    host_seconds[labels[i]] = summary.host_seconds;
    network_host_seconds[labels[i]] = summary.network_host_seconds;
    result.runs.push_back(std::move(summary));
  }
  manifest["host_seconds"] = host_seconds;
  manifest["network_host_seconds"] = network_host_seconds;
  manifest["complete"] = true;
  write_file_atomically(manifest_path, manifest.dump(2) + "\n");
  return result;
}

}  // namespace sasgsim
