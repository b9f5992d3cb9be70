#include "sim/app/Cli.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>
#include <fmt/format.h>

#include "sim/net/Network.h"
#include "sim/app/Sweep.h"
#include "sim/runtime/Replay.h"
#include "sim/runtime/ScenarioRunner.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/ScenarioParser.h"

#ifndef SASGSIM_VERSION
#define SASGSIM_VERSION "unknown"
#endif

namespace sasgsim {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUser = 2;

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      if (comma == std::string::npos) comma = item.size();
      std::string part = item.substr(start, comma - start);
      if (part.empty()) throw UsageError("--only: empty algorithm name in \"" + item + "\"");
      out.push_back(part);
      start = comma + 1;
    }
  }
  return out;
}

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

void print_results(const ScenarioResult& result) {
  std::printf("%-10s %10s %9s %9s %14s %14s %12s %9s\n", "algorithm", "iterations", "rounds",
              "skipped", "paper_bits", "payload_bytes", "comm_time_s", "test_acc");
  for (const RunSummary& r : result.runs) {
    std::printf("%-10s %10lld %9lld %9lld %14.4g %14.4g %12.4g %8.2f%%\n", r.algorithm.c_str(),
                static_cast<long long>(r.total.iteration), static_cast<long long>(r.total.rounds),
                static_cast<long long>(r.total.skipped), static_cast<double>(r.total.paper_bits),
                static_cast<double>(r.total.payload_bytes), r.total.comm_time_s,
                r.final_test_acc);
  }
  std::printf("results: %s\n", result.out_dir.c_str());
}

// Parses and validates a scenario, including the network settings only ns-3 can check.
Scenario load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  Scenario s = load_scenario(file, overrides);
  if (std::vector<ScenarioIssue> issues = check_network(s.network); !issues.empty()) {
    throw ScenarioError(file, std::move(issues));
  }
  return s;
}

int command_validate(const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides) {
  int failed = 0;
  for (const std::string& file : files) {
    try {
      Scenario s = load_checked_scenario(file, overrides);
      std::printf("%s: ok (scenario \"%s\", %zu algorithm%s)\n", file.c_str(), s.name.c_str(),
                  s.algorithms.size(), s.algorithms.size() == 1 ? "" : "s");
    } catch (const ScenarioError& e) {
      ++failed;
      std::fprintf(stderr, "%s\n", e.what());
    }
  }
  return failed ? kExitUser : kExitOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"sasgsim: discrete-event network simulator for communication-efficient "
               "distributed SGD (SGD, Sparse, LASG, SASG)"};
  app.set_version_flag("--version", std::string("sasgsim ") + SASGSIM_VERSION);
  app.require_subcommand(1);

  std::string scenario_file;
  std::string out_dir;
  std::vector<std::string> overrides;
  std::vector<std::string> only;
  bool quiet = false;
  CLI::App* run = app.add_subcommand("run", "Run a scenario's algorithms and write results");
  run->add_option("scenario", scenario_file, "Scenario JSON file")->required();
  run->add_option("--out", out_dir, "Results directory (default: results/<scenario name>)");
  run->add_option("--set", overrides,
                  "Override a scenario key by dotted path, e.g. --set workers=4 "
                  "--set network.bandwidth=100Mbps (the value is JSON if it parses, else a string)")
      ->type_name("KEY=VALUE");
  run->add_option("--only", only, "Run only these algorithms (labels, comma-separated)")
      ->type_name("ALG,...");
  run->add_flag("-q,--quiet", quiet, "No progress line on stderr");
  int run_jobs = 1;
  run->add_option("--jobs", run_jobs, "With \"seeds\": seeds run at once (one process each)")
      ->check(CLI::PositiveNumber);

  std::string replay_dir;
  std::string replay_out;
  std::vector<std::string> replay_overrides;
  std::vector<std::string> replay_only;
  bool replay_quiet = false;
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-time a finished run under other network settings, without training");
  replay->add_option("run_dir", replay_dir, "Results directory of `sasgsim run`")->required();
  replay->add_option("--out", replay_out, "Results directory (default: RUN_DIR-replay)");
  replay->add_option("--set", replay_overrides,
                     "Change a network key, e.g. --set network.bandwidth=100Mbps "
                     "(only network.* keys: the uploads do not depend on the network)")
      ->type_name("network.KEY=VALUE");
  replay->add_option("--only", replay_only, "Replay only these algorithms (comma-separated)")
      ->type_name("ALG,...");
  replay->add_flag("-q,--quiet", replay_quiet, "No progress line on stderr");

  SweepRequest sweep_request;
  std::string collect_dir;
  bool no_plots = false;
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a scenario over the values of its \"sweep\" block; points that differ "
               "only in the network share one training run (replayed)");
  sweep->add_option("scenario", sweep_request.scenario_file, "Scenario JSON file with a sweep block");
  sweep->add_option("--out", sweep_request.out_dir,
                    "Sweep directory (default: results/<scenario name>-sweep)");
  sweep->add_option("--jobs", sweep_request.jobs, "Training runs (with their replays) at once")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--set", sweep_request.overrides, "Override a key before sweeping")
      ->type_name("KEY=VALUE");
  sweep->add_option("--emit-jobs", sweep_request.emit_jobs,
                    "Write one command line per training run to FILE (for GNU parallel or a "
                    "Slurm array) instead of running them")
      ->type_name("FILE");
  sweep->add_option("--collect", collect_dir,
                    "Build DIR/sweep.csv (and plots) from the finished points of a sweep")
      ->type_name("DIR");
  sweep->add_flag("--no-plots", no_plots, "Do not draw the sweep's plots");
  sweep->add_flag("-q,--quiet", sweep_request.quiet, "No progress lines on stderr");

  std::string plot_dir;
  std::string plot_format = "png";
  CLI::App* plot = app.add_subcommand("plot", "Draw the plots of a run, multi-seed run or sweep");
  plot->add_option("dir", plot_dir, "Results directory")->required();
  plot->add_option("--format", plot_format, "png, pdf or svg")
      ->check(CLI::IsMember({"png", "pdf", "svg"}));

  std::string report_dir;
  CLI::App* report = app.add_subcommand(
      "report", "Write report.md with the paper's Tables II and III for a results directory");
  report->add_option("dir", report_dir, "Results directory")->required();

  std::string timeline_dir;
  std::vector<std::string> timeline_algorithms;
  std::string timeline_range = "0:20";
  std::string timeline_out;
  CLI::App* timeline = app.add_subcommand(
      "timeline", "Export a run's simulated timeline as Chrome/Perfetto trace-event JSON");
  timeline->add_option("dir", timeline_dir, "Results directory of a run")->required();
  timeline->add_option("--algorithm", timeline_algorithms, "Labels (default: every algorithm)")
      ->type_name("LABEL");
  timeline->add_option("--iterations", timeline_range, "FROM:TO, TO exclusive (default 0:20)");
  timeline->add_option("--out", timeline_out,
                       "Output file (default DIR/<label>/timeline.json; one algorithm only)");

  std::vector<std::string> validate_files;
  std::vector<std::string> validate_overrides;
  CLI::App* validate =
      app.add_subcommand("validate", "Check scenario files and report every problem");
  validate->add_option("files", validate_files, "Scenario JSON files")->required();
  validate->add_option("--set", validate_overrides, "Override a key before validating")
      ->type_name("KEY=VALUE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUser;
  }

  try {
    if (*validate) return command_validate(validate_files, validate_overrides);
    if (*sweep) {
      sweep_request.plots = !no_plots;
      if (!collect_dir.empty()) return collect_sweep(collect_dir, sweep_request.plots);
      if (sweep_request.scenario_file.empty()) {
        throw UsageError("sweep: give a scenario file (or --collect DIR)");
      }
      return run_sweep(sweep_request);
    }
    if (*plot) return run_analysis_script("plot.py", {plot_dir, "--format", plot_format});
    if (*report) return run_analysis_script("report.py", {report_dir});
    if (*timeline) {
      std::vector<std::string> args{timeline_dir, "--iterations", timeline_range};
      for (const std::string& a : timeline_algorithms) {
        args.push_back("--algorithm");
        args.push_back(a);
      }
      if (!timeline_out.empty()) {
        args.push_back("--out");
        args.push_back(timeline_out);
      }
      return run_analysis_script("timeline.py", args);
    }
    if (*replay) {
      ReplayRequest request;
      request.run_dir = replay_dir;
      request.overrides = replay_overrides;
      request.out_dir = replay_out;
      request.only = split_list(replay_only);
      request.quiet = replay_quiet;
      request.command_line = join_args(argc, argv);
      print_results(replay_run(request));
      return kExitOk;
    }
    Scenario scenario = load_checked_scenario(scenario_file, overrides);
    if (!scenario.seeds.empty()) {
      SeedsRequest seeds_request;
      seeds_request.out_dir = out_dir;
      seeds_request.only = split_list(only);
      seeds_request.jobs = run_jobs;
      seeds_request.quiet = quiet;
      seeds_request.command_line = join_args(argc, argv);
      return run_seeds(scenario, seeds_request);
    }
    if (!scenario.sweep.empty()) {
      throw UsageError(scenario_file + " has a \"sweep\" block: run it with `sasgsim sweep " +
                       scenario_file + "`, or run its base scenario with --set sweep=null");
    }
    RunRequest request;
    request.out_dir = out_dir;
    request.only = split_list(only);
    request.quiet = quiet;
    request.command_line = join_args(argc, argv);
    print_results(run_scenario(scenario, request));
    return kExitOk;
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kExitUser;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitUser;
  } catch (const DataError& e) {
    std::fprintf(stderr, "data error: %s\n", e.what());
    return kExitUser;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "internal error (LibTorch): %s\n", e.what_without_backtrace());
    return kExitInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return kExitInternal;
  }
}

}  // namespace sasgsim
