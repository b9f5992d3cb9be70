#include "sim/runtime/Replay.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "sim/metrics/AtomicFile.h"
#include "sim/net/Network.h"
#include "sim/runtime/Progress.h"
#include "sim/runtime/RunRecorder.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(fmt::format("cannot read {}: a replay needs the complete results of "
                                "`sasgsim run`", path.string()));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json read_json(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{} is not valid JSON: {}", path.string(), e.what()));
  }
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// A CSV file with a header: rows of cells, looked up by column name.
struct Csv {
  fs::path path;
  std::map<std::string, size_t> column;
  std::vector<std::vector<std::string>> rows;

  explicit Csv(const fs::path& p) : path(p) {
    std::istringstream in(read_text(p));
    std::string line;
    if (!std::getline(in, line)) throw DataError(fmt::format("{} is empty", p.string()));
    const std::vector<std::string> header = split(line);
    for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      rows.push_back(split(line));
      if (rows.back().size() != header.size()) {
        throw DataError(fmt::format("{}: line {} has {} cells, the header {}", p.string(),
                                    rows.size() + 1, rows.back().size(), header.size()));
      }
    }
  }
  size_t index(const std::string& name) const {
    auto it = column.find(name);
    if (it == column.end()) {
      throw DataError(fmt::format("{} has no column \"{}\"", path.string(), name));
    }
    return it->second;
  }
  int64_t integer(const std::vector<std::string>& row, size_t i) const {
    try {
      size_t used = 0;
      const long long v = std::stoll(row[i], &used);
      if (used == row[i].size()) return v;
    } catch (const std::exception&) {
    }
    throw DataError(fmt::format("{}: \"{}\" is not an integer", path.string(), row[i]));
  }
};

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

RunSummary replay_algorithm(const fs::path& source, const std::string& out_dir,
                            const Scenario& scenario, const NetworkSetup& setup,
                            int64_t iterations, const std::string& progress_label, bool quiet) {
  const nlohmann::json original = read_json(source / "summary.json");
  RunSummary summary;
  try {
    summary = RunSummary::from_json(original);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: {}", (source / "summary.json").string(), e.what()));
  }
  const Csv uploads(source / "uploads.csv");
  const Csv metrics(source / "metrics.csv");
  // The compute model is not a network setting: a replay keeps each iteration's compute time.
  const Csv iteration_rows(source / "iterations.csv");
  const auto compute_column = iteration_rows.column.find("compute_s");
  if (static_cast<int64_t>(iteration_rows.rows.size()) != iterations) {
    throw DataError(fmt::format("{}: {} rows, expected one per iteration ({})",
                                (source / "iterations.csv").string(), iteration_rows.rows.size(),
                                iterations));
  }
  const size_t u_iteration = uploads.index("iteration"), u_worker = uploads.index("worker"),
               u_values = uploads.index("values"), u_bytes = uploads.index("payload_bytes"),
               u_forced = uploads.index("forced");
  const std::array<std::string, 8> metric_names{"iteration", "epoch", "lr",
                                                "server_memory_bytes", "train_loss",
                                                "test_loss", "test_acc", "test_top5_acc"};
  std::array<size_t, 8> m{};
  for (size_t i = 0; i < metric_names.size(); ++i) m[i] = metrics.index(metric_names[i]);
  const nlohmann::json& reached = original.value("iterations_to_target", nlohmann::json());
  const int64_t target_iteration = reached.is_number_integer() ? reached.get<int64_t>() : -1;

  std::unique_ptr<Network> network = make_network(scenario.network, setup);
  RunRecorder recorder(out_dir, *network, scenario.workers);
  Progress progress(progress_label, quiet);
  ProgressState state;
  state.total = iterations;
  size_t next_upload = 0;
  size_t next_metric = 0;
  std::vector<UploadRecord> batch;
  for (int64_t t = 0; t < iterations; ++t) {
    batch.clear();
    while (next_upload < uploads.rows.size() &&
           uploads.integer(uploads.rows[next_upload], u_iteration) == t) {
      const auto& row = uploads.rows[next_upload++];
      batch.push_back(UploadRecord{static_cast<int>(uploads.integer(row, u_worker)),
                                   uploads.integer(row, u_values), uploads.integer(row, u_bytes),
                                   uploads.integer(row, u_forced) != 0});
    }
    const double compute_s =
        compute_column == iteration_rows.column.end()
            ? 0.0
            : std::strtod(iteration_rows.rows[static_cast<size_t>(t)][compute_column->second].c_str(),
                          nullptr);
    recorder.record_iteration(t, batch, compute_s);
    while (next_metric < metrics.rows.size() &&
           metrics.integer(metrics.rows[next_metric], m[0]) == t + 1) {
      const auto& row = metrics.rows[next_metric++];
      EvaluationRecord e;
      e.iteration = t + 1;
      e.epoch = row[m[1]];
      e.lr = row[m[2]];
      e.server_memory_bytes = row[m[3]];
      e.train_loss = row[m[4]];
      e.test_loss = row[m[5]];
      e.test_acc = row[m[6]];
      e.test_top5_acc = row[m[7]];
      recorder.record_evaluation(e, t + 1 == target_iteration);
      state.test_acc = std::strtod(e.test_acc.c_str(), nullptr);
    }
    state.iteration = t + 1;
    state.rounds = recorder.counters().rounds;
    state.comm_time_s = recorder.counters().comm_time_s;
    progress.update(state);
  }
  progress.finish(state);
  if (next_upload != uploads.rows.size() || next_metric != metrics.rows.size()) {
    throw DataError(fmt::format("{}: the uploads or metrics rows are out of order or beyond "
                                "iteration {}",
                                source.string(), iterations));
  }
  recorder.finish(summary);
  // The trace must reproduce the training-side counters; otherwise it is not this run's.
  const Counters& c = recorder.counters();
  if (c.rounds != original.at("rounds").get<int64_t>() ||
      c.skipped != original.at("skipped").get<int64_t>() ||
      c.paper_bits != original.at("paper_bits").get<int64_t>() ||
      c.payload_bytes != original.at("payload_bytes").get<int64_t>()) {
    throw DataError(fmt::format("{}: uploads.csv does not add up to summary.json's rounds, "
                                "skipped, paper_bits and payload_bytes",
                                source.string()));
  }
  return summary;
}

}  // namespace

ScenarioResult replay_run(const ReplayRequest& request) {
  check_overrides(request.overrides);
  const fs::path run_dir(request.run_dir);
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
  ScenarioResult result;
  result.out_dir = request.out_dir.empty() ? run_dir.string() + "-replay" : request.out_dir;
  std::error_code ec;
  if (fs::exists(result.out_dir) && fs::equivalent(result.out_dir, run_dir, ec)) {
    throw UsageError("replay --out must differ from the run it replays");
  }

  nlohmann::json doc = source.at("scenario");
  apply_overrides(doc, request.overrides);
  ParseOptions parse_options;
  parse_options.check_data_files = false;
  const Scenario scenario = parse_scenario(doc, "replay of " + run_dir.string(), parse_options);
  if (std::vector<ScenarioIssue> issues = check_network(scenario.network); !issues.empty()) {
    throw ScenarioError("replay of " + run_dir.string(), std::move(issues));
  }
  if (!source.contains("model_bytes")) {
    throw DataError(fmt::format("{}/manifest.json lacks \"model_bytes\": it was written by an "
                                "older sasgsim; run the scenario again",
                                run_dir.string()));
  }
  NetworkSetup setup;
  setup.workers = scenario.workers;
  setup.model_bytes = source.at("model_bytes").get<int64_t>();
  setup.seed = scenario.seed;
  const int64_t iterations = source.at("iterations").get<int64_t>();

  std::vector<std::string> labels = source.at("algorithms").get<std::vector<std::string>>();
  if (!request.only.empty()) {
    std::set<std::string> wanted(request.only.begin(), request.only.end());
    std::vector<std::string> chosen;
    for (const std::string& label : labels) {
      if (wanted.erase(label)) chosen.push_back(label);
    }
    if (!wanted.empty()) {
      throw UsageError(fmt::format("--only: the run in {} has no algorithm \"{}\"",
                                   run_dir.string(), *wanted.begin()));
    }
    labels = chosen;
  }

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
