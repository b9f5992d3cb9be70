#include "sim/app/SeedRunner.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "sim/app/Processes.h"
#include "sim/app/RunDirectory.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/metrics/ResultSchema.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One seed's run: its directory name, scenario and command line.
struct SeedRun {
  std::string name;  // seed-<s>
  json scenario;
  std::string command;
};

std::vector<SeedRun> plan_seeds(const Scenario& scenario, const SeedsRequest& request,
                                const fs::path& dir, bool child_progress) {
  const std::string binary = self_binary();
  std::vector<SeedRun> runs;
  for (uint64_t seed : scenario.seeds) {
    SeedRun run;
    run.scenario = scenario.resolved;
    run.scenario.erase("seeds");
    run.scenario["seed"] = seed;
    run.name = fmt::format("seed-{}", seed);
    const fs::path file = dir / "seeds" / (run.name + ".json");
    write_file_atomically(file.string(), run.scenario.dump(2) + "\n");
    run.command = shell_quote(binary) + " run " + shell_quote(file.string()) + " --out " +
                  shell_quote((dir / run.name).string());
    run.command += only_argument(request.only);
    if (request.resume) run.command += " --resume";
    run.command += fmt::format(" --checkpoint-interval {}", request.checkpoint_interval_s);
    // With one job at a time the child's own progress line goes to this terminal (fd 3).
    run.command += child_progress ? " 2>&3" : " -q";
    runs.push_back(std::move(run));
  }
  return runs;
}

std::string mean_and_std(const std::vector<double>& v) {
  if (v.empty()) return "-";
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double var = 0.0;
  for (double x : v) var += (x - mean) * (x - mean);
  const double sd = v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0;
  return fmt::format("{:.4g} ± {:.2g} (n={})", mean, sd, v.size());
}

// Mean and standard deviation over the seeds, per algorithm.
void print_statistics(const fs::path& dir, const std::vector<SeedRun>& runs) {
  namespace k = results::summary;
  const std::vector<const char*> keys{k::kCommTime.name, k::kFinalAcc.name,
                                      k::kRoundsToTarget.name, k::kCommTimeToTarget.name};
  std::map<std::string, std::map<std::string, std::vector<double>>> figures;
  std::vector<std::string> labels;
  for (const SeedRun& r : runs) {
    const json manifest = read_json_file(dir / r.name / "manifest.json");
    for (const json& l : manifest.at("algorithms")) {
      const std::string label = l.get<std::string>();
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
      const json s = read_json_file(dir / r.name / label / "summary.json");
      for (const char* key : keys) {
        const json v = s.value(key, json());
        if (v.is_number()) figures[label][key].push_back(v.get<double>());
      }
    }
  }
  int width = 10;  // the label column: as wide as the longest label
  for (const std::string& label : labels) width = std::max(width, static_cast<int>(label.size()));
  std::printf("%-*s", width, "algorithm");
  for (const char* key : keys) std::printf(" %-28s", key);
  std::printf("\n");
  for (const std::string& label : labels) {
    std::printf("%-*s", width, label.c_str());
    for (const char* key : keys) std::printf(" %-28s", mean_and_std(figures[label][key]).c_str());
    std::printf("\n");
  }
  std::printf("results: %s (`sasgsim report %s` for the tables)\n", dir.string().c_str(),
              dir.string().c_str());
}

}  // namespace

int run_seeds(const Scenario& scenario, const SeedsRequest& request) {
  const fs::path dir =
      fs::absolute(request.out_dir.empty() ? "results/" + scenario.name : request.out_dir)
          .lexically_normal();
  fs::create_directories(dir / "seeds");
  fs::create_directories(dir / "logs");
  const bool child_progress = request.jobs == 1 && !request.quiet;
  const std::vector<SeedRun> runs = plan_seeds(scenario, request, dir, child_progress);
  std::vector<std::string> names, pending, pending_logs;
  for (const SeedRun& r : runs) {
    names.push_back(r.name);
    if (run_complete(dir / r.name, r.scenario)) continue;
    pending.push_back(r.command);
    pending_logs.push_back((dir / "logs" / (r.name + ".log")).string());
  }
  json manifest = {{"scenario", scenario.resolved}, {"seeds", scenario.seeds},
                   {"runs", names},                 {"command", request.command_line},
                   {"complete", false}};
  write_file_atomically((dir / "manifest.json").string(), manifest.dump(2) + "\n");
  if (!request.quiet) {
    std::fprintf(stderr, "[seeds] %s: %zu seeds, %zu to run, %d at a time; results in %s\n",
                 scenario.name.c_str(), scenario.seeds.size(), pending.size(), request.jobs,
                 dir.string().c_str());
  }
  const auto tick = job_progress(request.quiet || child_progress, "seeds", "seeds", runs.size(),
                                 [&] {
                                   size_t done = 0;
                                   for (const SeedRun& r : runs) {
                                     done += run_complete(dir / r.name, r.scenario) ? 1 : 0;
                                   }
                                   return done;
                                 });
  if (child_progress) dup2(STDERR_FILENO, 3);
  if (const int failed = run_jobs(pending, pending_logs, request.jobs, tick); failed != 0) {
    std::fprintf(stderr, "seeds: some runs failed; fix the cause and run the same command again "
                 "(finished seeds are kept)\n");
    return failed;
  }
  manifest["complete"] = true;
  write_file_atomically((dir / "manifest.json").string(), manifest.dump(2) + "\n");
  print_statistics(dir, runs);
  return 0;
}

}  // namespace sasgsim
