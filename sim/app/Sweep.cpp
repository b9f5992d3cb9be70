#include "sim/app/Sweep.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/metrics/AtomicFile.h"
#include "sim/net/Network.h"
#include "sim/runtime/Progress.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"

#ifndef SASGSIM_SOURCE_DIR
#define SASGSIM_SOURCE_DIR "."
#endif

namespace sasgsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitUser = 2;

struct Point {
  std::string name;                       // directory name under the sweep directory
  std::vector<json> values;               // one per swept key
  json scenario;                          // resolved scenario of this point
  size_t trained_by = 0;                  // the point whose training run it replays (itself)
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_binary() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sasgsim") : p.string();
}

// A value as it appears in a directory name: letters, digits and ._- kept.
std::string name_part(const json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  std::string out;
  for (char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out.substr(0, 40);
}

std::string last_segment(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string point_label(const std::vector<std::string>& keys, const std::vector<json>& values) {
  std::string label;
  for (size_t k = 0; k < keys.size(); ++k) {
    label += (k ? ", " : "") + keys[k] + "=" + (values[k].is_string() ? values[k].get<std::string>()
                                                                      : values[k].dump());
  }
  return label;
}

json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw DataError(fmt::format("cannot read {}", path.string()));
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw DataError(fmt::format("{} is not valid JSON: {}", path.string(), e.what()));
  }
}

bool point_complete(const fs::path& dir, const json& scenario) {
  std::error_code ec;
  if (!fs::exists(dir / "manifest.json", ec)) return false;
  try {
    const json m = read_json_file(dir / "manifest.json");
    return m.value("complete", false) && m.at("scenario") == scenario;
  } catch (const std::exception&) {
    return false;
  }
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell_of(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_cell(v.get<std::string>());
  return csv_cell(v.dump());
}

// Runs the commands with at most `jobs` at once, output to one log file each; calls `tick`
// about twice a second. Returns the largest exit code of a failed job (0 when all succeed).
int run_commands(const std::vector<std::string>& commands, const std::vector<std::string>& logs,
                 int jobs, const std::function<void(int running)>& tick) {
  std::map<pid_t, size_t> running;
  size_t next = 0;
  int worst = 0;
  while (next < commands.size() || !running.empty()) {
    while (next < commands.size() && static_cast<int>(running.size()) < jobs) {
      std::fflush(nullptr);
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error("sweep: fork failed");
      if (pid == 0) {
        const std::string cmd = "(" + commands[next] + ") >" + quote(logs[next]) + " 2>&1";
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      running[pid] = next++;
    }
    int status = 0;
    const pid_t done = waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      const size_t job = running.at(done);
      running.erase(done);
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (code != 0) {
        std::fprintf(stderr, "sweep: job %zu failed (exit %d); its output: %s\n", job + 1, code,
                     logs[job].c_str());
        worst = std::max(worst, code);
      }
      continue;
    }
    tick(static_cast<int>(running.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  tick(0);
  return worst;
}

// The tick for run_commands: "[tag] noun done/total done, R jobs running, T elapsed" on stderr
// whenever the count of finished items (count_done()) changes, and once at the end.
std::function<void(int)> job_progress(bool quiet, const char* tag, const char* noun,
                                      size_t total, std::function<size_t()> count_done) {
  if (quiet) return [](int) {};
  const auto start = std::chrono::steady_clock::now();
  return [=, last_done = SIZE_MAX](int running) mutable {
    const size_t done = count_done();
    if (done == last_done && running > 0) return;
    last_done = done;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "[%s] %s %zu/%zu done, %d job%s running, %s elapsed\n", tag, noun, done,
                 total, running, running == 1 ? "" : "s", format_duration(elapsed).c_str());
  };
}

}  // namespace

int run_analysis_script(const std::string& script, const std::vector<std::string>& args) {
  const char* env = std::getenv("SASGSIM_ANALYSIS_DIR");
  const fs::path dir = env != nullptr ? fs::path(env) : fs::path(SASGSIM_SOURCE_DIR) / "analysis";
  const fs::path path = dir / script;
  if (!fs::exists(path)) {
    std::fprintf(stderr, "error: %s not found (set SASGSIM_ANALYSIS_DIR to the analysis/ folder "
                 "of the sasgsim sources)\n", path.string().c_str());
    return kExitUser;
  }
  std::string cmd = "/usr/bin/python3 " + quote(path.string());
  for (const std::string& a : args) cmd += " " + quote(a);
  std::fflush(nullptr);
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int run_sweep(const SweepRequest& request) {
  // The base scenario, validated as a whole (sweep block included).
  const Scenario base = load_scenario(request.scenario_file, request.overrides);
  if (std::vector<ScenarioIssue> issues = check_network(base.network); !issues.empty()) {
    throw ScenarioError(request.scenario_file, std::move(issues));
  }
  if (!base.seeds.empty()) {
    throw UsageError("a sweep runs one seed per point: sweep over \"seed\" (e.g. \"sweep\": "
                     "{\"seed\": [1, 19, 31]}) instead of giving \"seeds\"");
  }
  if (base.sweep.empty()) {
    throw UsageError(fmt::format("{} has no \"sweep\" block: add one, e.g. \"sweep\": "
                                 "{{\"network.bandwidth\": [\"100Mbps\", \"1Gbps\"]}}, or use "
                                 "`sasgsim run`",
                                 request.scenario_file));
  }
  // Points start from the file as written (with --set), so that defaults that follow a swept
  // key (e.g. the server link's rate follows network.bandwidth) follow it in every point.
  json raw = read_json_file(request.scenario_file);
  apply_overrides(raw, request.overrides);
  raw.erase("sweep");

  std::vector<std::string> keys;
  for (const auto& [key, values] : base.sweep) keys.push_back(key);
  std::vector<Point> points;
  std::vector<size_t> index(keys.size(), 0);
  std::vector<ScenarioIssue> issues;
  std::map<std::string, size_t> training_runs;  // scenario without network -> first point
  while (true) {
    Point p;
    json doc = raw;
    p.name = fmt::format("p{:02d}", points.size());
    for (size_t k = 0; k < keys.size(); ++k) {
      p.values.push_back(base.sweep[k].second[index[k]]);
      apply_override(doc, keys[k] + "=" + p.values.back().dump());
      p.name += "_" + last_segment(keys[k]) + "-" + name_part(p.values.back());
    }
    ParseOptions options;
    try {
      const Scenario s = parse_scenario(doc, request.scenario_file, options);
      for (const ScenarioIssue& issue : check_network(s.network)) {
        issues.push_back({issue.path, "in sweep point " + point_label(keys, p.values) + ": " +
                                          issue.message});
      }
      p.scenario = s.resolved;
      json training = s.resolved;
      training.erase("network");
      auto [it, inserted] = training_runs.emplace(training.dump(), points.size());
      p.trained_by = it->second;
    } catch (const ScenarioError& e) {
      for (const ScenarioIssue& issue : e.issues()) {
        issues.push_back({issue.path, "in sweep point " + point_label(keys, p.values) + ": " +
                                          issue.message});
      }
    }
    points.push_back(std::move(p));
    size_t k = keys.size();
    while (k > 0 && ++index[k - 1] == base.sweep[k - 1].second.size()) index[--k] = 0;
    if (k == 0) break;
  }
  if (!issues.empty()) throw ScenarioError(request.scenario_file, std::move(issues));

  const fs::path dir = fs::absolute(request.out_dir.empty() ? "results/" + base.name + "-sweep"
                                                            : request.out_dir)
                           .lexically_normal();
  fs::create_directories(dir / "points");
  fs::create_directories(dir / "logs");
  const std::string binary = self_binary();

  // One job per training run: train its first point, replay the others.
  std::vector<std::string> commands, logs;
  std::vector<std::vector<size_t>> job_points;
  json plan_points = json::array();
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    const fs::path file = dir / "points" / (p.name + ".json");
    write_file_atomically(file.string(), p.scenario.dump(2) + "\n");
    json values = json::object();
    for (size_t k = 0; k < keys.size(); ++k) values[keys[k]] = p.values[k];
    plan_points.push_back({{"name", p.name},
                           {"values", values},
                           {"trained", p.trained_by == i},
                           {"training_point", points[p.trained_by].name}});
    if (p.trained_by == i) {
      commands.push_back(quote(binary) + " run " + quote(file.string()) + " -q --out " +
                         quote((dir / p.name).string()));
      job_points.push_back({i});
    } else {
      size_t job = 0;
      while (job_points[job].front() != p.trained_by) ++job;
      commands[job] += " && " + quote(binary) + " replay " +
                       quote((dir / points[p.trained_by].name).string()) + " -q --out " +
                       quote((dir / p.name).string()) + " --set " +
                       quote("network=" + p.scenario.at("network").dump());
      job_points[job].push_back(i);
    }
  }
  for (size_t j = 0; j < commands.size(); ++j) {
    logs.push_back((dir / "logs" / fmt::format("job{:02d}.log", j + 1)).string());
  }
  const json plan = {{"scenario", base.name},
                     {"source", fs::absolute(request.scenario_file).string()},
                     {"keys", keys},
                     {"points", plan_points},
                     {"jobs", commands}};
  write_file_atomically((dir / "sweep.json").string(), plan.dump(2) + "\n");

  if (!request.emit_jobs.empty()) {
    std::string text;
    for (const std::string& c : commands) text += c + "\n";
    write_file_atomically(request.emit_jobs, text);
    std::printf("%zu points, %zu training runs: %zu job lines in %s\n"
                "run them, e.g.:  parallel --jobs 2 < %s   (or one per Slurm array task:\n"
                "                 sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s | sh)\n"
                "then:            %s sweep --collect %s\n",
                points.size(), commands.size(), commands.size(), request.emit_jobs.c_str(),
                request.emit_jobs.c_str(), request.emit_jobs.c_str(), binary.c_str(),
                dir.string().c_str());
    return kExitOk;
  }

  // Jobs whose points are all complete with the same scenarios are not run again.
  std::vector<std::string> pending, pending_logs;
  for (size_t j = 0; j < commands.size(); ++j) {
    bool done = true;
    for (size_t i : job_points[j]) done = done && point_complete(dir / points[i].name, points[i].scenario);
    if (!done) {
      pending.push_back(commands[j]);
      pending_logs.push_back(logs[j]);
    }
  }
  if (!request.quiet) std::fprintf(stderr, "[sweep] %s: %zu points (%zu training runs, %zu replays), %zu jobs to run, "
               "%d at a time; results in %s\n",
               base.name.c_str(), points.size(), commands.size(), points.size() - commands.size(),
               pending.size(), request.jobs, dir.string().c_str());
  const auto tick = job_progress(request.quiet, "sweep", "points", points.size(), [&] {
    size_t done = 0;
    for (const Point& p : points) done += point_complete(dir / p.name, p.scenario) ? 1 : 0;
    return done;
  });
  const int failed = run_commands(pending, pending_logs, std::max(1, request.jobs), tick);
  if (failed != 0) {
    std::fprintf(stderr, "sweep: some jobs failed; fix the cause and run the same command again "
                 "(finished points are kept)\n");
    return failed;
  }
  return collect_sweep(dir.string(), request.plots);
}

int run_seeds(const Scenario& scenario, const SeedsRequest& request) {
  const fs::path dir =
      fs::absolute(request.out_dir.empty() ? "results/" + scenario.name : request.out_dir)
          .lexically_normal();
  fs::create_directories(dir / "seeds");
  fs::create_directories(dir / "logs");
  std::string only_arg;
  for (const std::string& label : request.only) only_arg += (only_arg.empty() ? "" : ",") + label;
  const std::string binary = self_binary();
  const bool show_child_progress = request.jobs == 1 && !request.quiet;
  std::vector<std::string> runs;        // seed-<s>, one per seed
  std::vector<json> scenarios;          // the scenario each one runs
  std::vector<std::string> pending, pending_logs;
  for (uint64_t seed : scenario.seeds) {
    json one = scenario.resolved;
    one.erase("seeds");
    one["seed"] = seed;
    const std::string name = fmt::format("seed-{}", seed);
    const fs::path file = dir / "seeds" / (name + ".json");
    write_file_atomically(file.string(), one.dump(2) + "\n");
    std::string cmd = quote(binary) + " run " + quote(file.string()) + " --out " +
                      quote((dir / name).string());
    if (!only_arg.empty()) cmd += " --only " + quote(only_arg);
    if (!show_child_progress) cmd += " -q";
    runs.push_back(name);
    scenarios.push_back(one);
    const std::string log = (dir / "logs" / (name + ".log")).string();
    if (!point_complete(dir / name, one)) {
      pending.push_back(show_child_progress ? cmd + " 2>&3" : cmd);
      pending_logs.push_back(log);
    }
  }
  json manifest = {{"scenario", scenario.resolved},
                   {"seeds", scenario.seeds},
                   {"runs", runs},
                   {"command", request.command_line},
                   {"complete", false}};
  write_file_atomically((dir / "manifest.json").string(), manifest.dump(2) + "\n");
  if (!request.quiet) {
    std::fprintf(stderr, "[seeds] %s: %zu seeds, %zu to run, %d at a time; results in %s\n",
                 scenario.name.c_str(), scenario.seeds.size(), pending.size(), request.jobs,
                 dir.string().c_str());
  }
  const auto tick = job_progress(request.quiet || show_child_progress, "seeds", "seeds",
                                 runs.size(), [&] {
    size_t done = 0;
    for (size_t i = 0; i < runs.size(); ++i) done += point_complete(dir / runs[i], scenarios[i]);
    return done;
  });
  // With one job at a time the child's own progress line goes to this terminal (fd 3).
  if (show_child_progress) dup2(STDERR_FILENO, 3);
  const int failed = run_commands(pending, pending_logs, std::max(1, request.jobs), tick);
  if (failed != 0) {
    std::fprintf(stderr, "seeds: some runs failed; fix the cause and run the same command again "
                 "(finished seeds are kept)\n");
    return failed;
  }
  manifest["complete"] = true;
  write_file_atomically((dir / "manifest.json").string(), manifest.dump(2) + "\n");

  // Mean and standard deviation over the seeds, per algorithm.
  std::map<std::string, std::map<std::string, std::vector<double>>> figures;
  std::vector<std::string> labels;
  for (const std::string& r : runs) {
    const json m = read_json_file(dir / r / "manifest.json");
    for (const json& l : m.at("algorithms")) {
      const std::string label = l.get<std::string>();
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
      const json s = read_json_file(dir / r / label / "summary.json");
      for (const char* key : {"comm_time_s", "final_test_acc", "rounds_to_target",
                              "comm_time_to_target_s"}) {
        const json v = s.value(key, json());
        if (v.is_number()) figures[label][key].push_back(v.get<double>());
      }
    }
  }
  auto stat = [](const std::vector<double>& v) {
    if (v.empty()) return std::string("-");
    double mean = 0.0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double var = 0.0;
    for (double x : v) var += (x - mean) * (x - mean);
    const double sd = v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0;
    return fmt::format("{:.4g} ± {:.2g} (n={})", mean, sd, v.size());
  };
  std::printf("%-10s %-28s %-28s %-28s %-28s\n", "algorithm", "comm_time_s", "final_test_acc",
              "rounds_to_target", "comm_time_to_target_s");
  for (const std::string& label : labels) {
    auto& f = figures[label];
    std::printf("%-10s %-28s %-28s %-28s %-28s\n", label.c_str(), stat(f["comm_time_s"]).c_str(),
                stat(f["final_test_acc"]).c_str(), stat(f["rounds_to_target"]).c_str(),
                stat(f["comm_time_to_target_s"]).c_str());
  }
  std::printf("results: %s (`sasgsim report %s` for the tables)\n", dir.string().c_str(),
              dir.string().c_str());
  return kExitOk;
}

int collect_sweep(const std::string& dir_name, bool plots) {
  const fs::path dir(dir_name);
  if (!fs::exists(dir / "sweep.json")) {
    throw UsageError(fmt::format("{} has no sweep.json: give the directory a sweep wrote "
                                 "(`sasgsim sweep SCENARIO --out DIR`)",
                                 dir.string()));
  }
  const json plan = read_json_file(dir / "sweep.json");
  const std::vector<std::string> keys = plan.at("keys").get<std::vector<std::string>>();
  const std::vector<std::string> figures{
      "iterations",           "rounds",           "skipped",
      "paper_bits",           "payload_bytes",    "wire_bytes",
      "comm_time_s",          "iterations_to_target", "rounds_to_target",
      "paper_bits_to_target", "wire_bytes_to_target", "comm_time_to_target_s",
      "final_test_acc"};
  std::string csv = "point,algorithm";
  for (const std::string& k : keys) csv += "," + csv_cell(k);
  for (const std::string& f : figures) csv += "," + f;
  csv += ",trained\n";
  std::vector<std::string> missing;
  std::vector<std::string> table;
  for (const json& p : plan.at("points")) {
    const std::string name = p.at("name").get<std::string>();
    const fs::path point_dir = dir / name;
    json manifest;
    try {
      manifest = read_json_file(point_dir / "manifest.json");
    } catch (const DataError&) {
    }
    if (!manifest.is_object() || !manifest.value("complete", false)) {
      missing.push_back(name);
      continue;
    }
    for (const json& label : manifest.at("algorithms")) {
      const std::string alg = label.get<std::string>();
      const json summary = read_json_file(point_dir / alg / "summary.json");
      csv += csv_cell(name) + "," + csv_cell(alg);
      for (const std::string& k : keys) csv += "," + cell_of(p.at("values").at(k));
      for (const std::string& f : figures) csv += "," + cell_of(summary.value(f, json()));
      csv += std::string(",") + (p.at("trained").get<bool>() ? "1" : "0") + "\n";
      const json to_target = summary.value("comm_time_to_target_s", json());
      table.push_back(fmt::format("{:<44} {:<8} {:>14.6g} {:>16}", name, alg,
                                  summary.at("comm_time_s").get<double>(),
                                  to_target.is_number() ? fmt::format("{:.6g}", to_target.get<double>())
                                                        : std::string("-")));
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw DataError(fmt::format("sweep in {}: {} point(s) not complete: {}; run their jobs "
                                "(the \"jobs\" in sweep.json) or `sasgsim sweep` again",
                                dir.string(), missing.size(), list));
  }
  write_file_atomically((dir / "sweep.csv").string(), csv);
  std::printf("%-44s %-8s %14s %16s\n", "point", "algorithm", "comm_time_s", "comm_to_target_s");
  for (const std::string& line : table) std::printf("%s\n", line.c_str());
  std::printf("sweep.csv: %s\n", (dir / "sweep.csv").string().c_str());
  if (plots) return run_analysis_script("plot.py", {dir.string()});
  return kExitOk;
}

}  // namespace sasgsim
