#include "sim/app/Sweep.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/app/Processes.h"
#include "sim/app/RunDirectory.h"
#include "sim/app/RunnableScenario.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/metrics/ResultSchema.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/JsonFile.h"
#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Point {
  std::string name;                       // directory name under the sweep directory
  std::vector<json> values;               // one per swept key
  json scenario;                          // resolved scenario of this point
  size_t trained_by = 0;                  // the point whose training run it replays (itself)
};

// The sweep's jobs: one per training run, its first point trained and the others replayed.
struct Jobs {
  std::vector<std::string> commands;
  std::vector<std::string> logs;
  std::vector<std::vector<size_t>> points;  // per job
};

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

// The base scenario, validated as a whole (sweep block included).
Scenario load_base(const SweepRequest& request) {
  const Scenario base = load_runnable_scenario(request.scenario_file, request.overrides);
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
  return base;
}

// One point: the document with its values set, validated, with its data files checked; its
// problems are added to `issues`, named after the point.
Point make_point(const json& raw, const std::vector<std::string>& keys,
                 const std::vector<json>& values, size_t index, const std::string& source,
                 std::map<std::string, size_t>& training_runs, std::vector<ScenarioIssue>& issues) {
  Point p;
  p.name = fmt::format("p{:02d}", index);
  p.values = values;
  json doc = raw;
  for (size_t k = 0; k < keys.size(); ++k) {
    apply_override(doc, keys[k] + "=" + values[k].dump());
    p.name += "_" + last_segment(keys[k]) + "-" + name_part(values[k]);
  }
  std::vector<ScenarioIssue> found;
  expand_network_include(doc, source, found);
  try {
    if (!found.empty()) throw ScenarioError(source, found);
    const Scenario s = parse_scenario(doc, source);
    found = runnable_issues(s);
    p.scenario = s.resolved;
    json training = s.resolved;
    training.erase("network");
    p.trained_by = training_runs.emplace(training.dump(), index).first->second;
  } catch (const ScenarioError& e) {
    found = e.issues();
  }
  for (const ScenarioIssue& issue : found) {
    issues.push_back({issue.path, "in sweep point " + point_label(keys, values) + ": " +
                                      issue.message});
  }
  return p;
}

// Every point of the cartesian product, in key order (the last key varies fastest). Points
// start from the file as written (with --set), so that defaults that follow a swept key (the
// server link's rate follows network.bandwidth) follow it in every point.
std::vector<Point> plan_points(const SweepRequest& request, const Scenario& base,
                               const std::vector<std::string>& keys) {
  std::vector<ScenarioIssue> ignored;
  json raw = read_scenario_json(request.scenario_file, ignored);
  apply_overrides(raw, request.overrides);
  raw.erase("sweep");
  std::vector<Point> points;
  std::vector<size_t> index(keys.size(), 0);
  std::vector<ScenarioIssue> issues;
  std::map<std::string, size_t> training_runs;  // scenario without network -> first point
  while (true) {
    std::vector<json> values;
    for (size_t k = 0; k < keys.size(); ++k) values.push_back(base.sweep[k].second[index[k]]);
    points.push_back(make_point(raw, keys, values, points.size(), request.scenario_file,
                                training_runs, issues));
    size_t k = keys.size();
    while (k > 0 && ++index[k - 1] == base.sweep[k - 1].second.size()) index[--k] = 0;
    if (k == 0) break;
  }
  if (!issues.empty()) throw ScenarioError(request.scenario_file, std::move(issues));
  return points;
}

Jobs plan_jobs(const std::vector<Point>& points, const fs::path& dir,
               const std::vector<std::string>& only) {
  const std::string binary = shell_quote(self_binary());
  Jobs jobs;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    const fs::path file = dir / "points" / (p.name + ".json");
    write_file_atomically(file.string(), p.scenario.dump(2) + "\n");
    if (p.trained_by == i) {
      jobs.commands.push_back(binary + " run " + shell_quote(file.string()) + " -q --out " +
                              shell_quote((dir / p.name).string()) + only_argument(only));
      jobs.points.push_back({i});
      continue;
    }
    size_t job = 0;
    while (jobs.points[job].front() != p.trained_by) ++job;
    jobs.commands[job] += " && " + binary + " replay " +
                          shell_quote((dir / points[p.trained_by].name).string()) + " -q --out " +
                          shell_quote((dir / p.name).string()) + " --set " +
                          shell_quote("network=" + p.scenario.at("network").dump());
    jobs.points[job].push_back(i);
  }
  for (size_t j = 0; j < jobs.commands.size(); ++j) {
    jobs.logs.push_back((dir / "logs" / fmt::format("job{:02d}.log", j + 1)).string());
  }
  return jobs;
}

void write_plan(const fs::path& dir, const Scenario& base, const SweepRequest& request,
                const std::vector<std::string>& keys, const std::vector<Point>& points,
                const Jobs& jobs) {
  json plan_points = json::array();
  for (size_t i = 0; i < points.size(); ++i) {
    json values = json::object();
    for (size_t k = 0; k < keys.size(); ++k) values[keys[k]] = points[i].values[k];
    plan_points.push_back({{"name", points[i].name},
                           {"values", values},
                           {"trained", points[i].trained_by == i},
                           {"training_point", points[points[i].trained_by].name}});
  }
  const json plan = {{"scenario", base.name},
                     {"source", fs::absolute(request.scenario_file).string()},
                     {"keys", keys},
                     {"points", plan_points},
                     {"jobs", jobs.commands}};
  write_file_atomically((dir / "sweep.json").string(), plan.dump(2) + "\n");
}

int emit_jobs(const SweepRequest& request, const Jobs& jobs, size_t points, const fs::path& dir) {
  std::string text;
  for (const std::string& c : jobs.commands) text += c + "\n";
  write_file_atomically(request.emit_jobs, text);
  const size_t n = jobs.commands.size();
  std::printf("%zu points, %zu training runs: %zu job lines in %s\n"
              "run them, e.g.:  parallel --jobs 2 < %s   (or one per Slurm array task:\n"
              "                 sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s | sh)\n"
              "then:            %s sweep --collect %s\n",
              points, n, n, request.emit_jobs.c_str(), request.emit_jobs.c_str(),
              request.emit_jobs.c_str(), self_binary().c_str(), dir.string().c_str());
  return 0;
}

// Runs the jobs whose points are not all complete with the same scenarios.
int run_pending(const SweepRequest& request, const Jobs& jobs, const std::vector<Point>& points,
                const fs::path& dir, const std::string& name) {
  std::vector<std::string> pending, pending_logs;
  for (size_t j = 0; j < jobs.commands.size(); ++j) {
    const bool done = std::all_of(jobs.points[j].begin(), jobs.points[j].end(), [&](size_t i) {
      return run_complete(dir / points[i].name, points[i].scenario);
    });
    if (done) continue;
    pending.push_back(jobs.commands[j]);
    pending_logs.push_back(jobs.logs[j]);
  }
  if (!request.quiet) {
    std::fprintf(stderr, "[sweep] %s: %zu points (%zu training runs, %zu replays), %zu jobs to "
                 "run, %d at a time; results in %s\n",
                 name.c_str(), points.size(), jobs.commands.size(),
                 points.size() - jobs.commands.size(), pending.size(), request.jobs,
                 dir.string().c_str());
  }
  const auto tick = job_progress(request.quiet, "sweep", "points", points.size(), [&] {
    return static_cast<size_t>(std::count_if(points.begin(), points.end(), [&](const Point& p) {
      return run_complete(dir / p.name, p.scenario);
    }));
  });
  return run_jobs(pending, pending_logs, request.jobs, tick);
}

// The rows of sweep.csv for one complete point (its manifest), and a line per algorithm for
// the printed table.
void add_point_rows(const json& point, const fs::path& point_dir, const json& manifest,
                    const std::vector<std::string>& keys, std::string& csv,
                    std::vector<std::string>& table) {
  const std::string name = point.at("name").get<std::string>();
  for (const json& label : manifest.at("algorithms")) {
    const std::string alg = label.get<std::string>();
    const json summary = read_json_file(point_dir / alg / "summary.json");
    csv += csv_cell(name) + "," + csv_cell(alg);
    for (const std::string& k : keys) csv += "," + cell_of(point.at("values").at(k));
    for (const results::Field* f : results::kSweepFigures) {
      csv += "," + cell_of(summary.value(f->name, json()));
    }
    csv += std::string(",") + (point.at("trained").get<bool>() ? "1" : "0") + "\n";
    const json to_target = summary.value(results::summary::kCommTimeToTarget.name, json());
    table.push_back(fmt::format(
        "{:<44} {:<8} {:>14.6g} {:>16}", name, alg,
        summary.at(results::summary::kCommTime.name).get<double>(),
        to_target.is_number() ? fmt::format("{:.6g}", to_target.get<double>()) : "-"));
  }
}

std::string sweep_header(const std::vector<std::string>& keys) {
  std::string csv = std::string(results::kSweepPoint.name) + "," + results::kSweepAlgorithm.name;
  for (const std::string& k : keys) csv += "," + csv_cell(k);
  for (const results::Field* f : results::kSweepFigures) csv += std::string(",") + f->name;
  return csv + "," + results::kSweepTrained.name + "\n";
}

}  // namespace

int run_sweep(const SweepRequest& request) {
  const Scenario base = load_base(request);
  std::vector<std::string> keys;
  for (const auto& [key, values] : base.sweep) keys.push_back(key);
  const std::vector<Point> points = plan_points(request, base, keys);
  const fs::path dir = fs::absolute(request.out_dir.empty() ? "results/" + base.name + "-sweep"
                                                            : request.out_dir)
                           .lexically_normal();
  fs::create_directories(dir / "points");
  fs::create_directories(dir / "logs");
  const Jobs jobs = plan_jobs(points, dir, request.only);
  write_plan(dir, base, request, keys, points, jobs);
  if (!request.emit_jobs.empty()) return emit_jobs(request, jobs, points.size(), dir);
  if (const int failed = run_pending(request, jobs, points, dir, base.name); failed != 0) {
    std::fprintf(stderr, "sweep: some jobs failed; fix the cause and run the same command again "
                 "(finished points are kept)\n");
    return failed;
  }
  return collect_sweep(dir.string(), request.plots);
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
  std::string csv = sweep_header(keys);
  std::vector<std::string> missing, table;
  for (const json& p : plan.at("points")) {
    const fs::path point_dir = dir / p.at("name").get<std::string>();
    json manifest;
    try {
      manifest = read_json_file(point_dir / "manifest.json");
    } catch (const DataError&) {
    }
    if (!manifest.is_object() || !manifest.value("complete", false)) {
      missing.push_back(p.at("name").get<std::string>());
      continue;
    }
    add_point_rows(p, point_dir, manifest, keys, csv, table);
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
  return 0;
}

}  // namespace sasgsim
