#include "sim/app/Cli.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "sim/app/Calibrate.h"
#include "sim/app/Processes.h"
#include "sim/app/RunnableScenario.h"
#include "sim/app/SeedRunner.h"
#include "sim/app/Sweep.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/metrics/ResultSchema.h"
#include "sim/runtime/Replay.h"
#include "sim/runtime/ScenarioRunner.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/ScenarioParser.h"
#include "sim/scenario/SchemaDocs.h"

#ifndef SASGSIM_VERSION
#define SASGSIM_VERSION "unknown"
#endif

namespace sasgsim {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUser = 2;

// Every option of every subcommand, filled by CLI11.
struct Options {
  std::string scenario_file, out_dir;
  std::vector<std::string> overrides, only;
  bool quiet = false;
  bool resume = false;
  double checkpoint_interval_s = kDefaultCheckpointIntervalS;
  int jobs = 1;
  std::string run_dir;
  SweepRequest sweep;
  std::string collect_dir;
  bool no_plots = false;
  std::string results_dir, plot_format = "png";
  std::vector<std::string> timeline_algorithms;
  std::string timeline_range = "0:20", timeline_out;
  std::vector<std::string> files;
  bool markdown = false, json_schema = false, results = false;
  std::vector<std::string> update;
  std::string measurements, profile_out;
  int64_t framing_bytes = 38;
};

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
  int width = 10;  // the label column: as wide as the longest label
  for (const RunSummary& r : result.runs) width = std::max(width, static_cast<int>(r.algorithm.size()));
  std::printf("%-*s %10s %9s %9s %14s %14s %12s %9s\n", width, "algorithm", "iterations", "rounds",
              "skipped", "paper_bits", "payload_bytes", "comm_time_s", "test_acc");
  for (const RunSummary& r : result.runs) {
    std::printf("%-*s %10lld %9lld %9lld %14.4g %14.4g %12.4g %8.2f%%\n", width, r.algorithm.c_str(),
                static_cast<long long>(r.total.iteration), static_cast<long long>(r.total.rounds),
                static_cast<long long>(r.total.skipped), static_cast<double>(r.total.paper_bits),
                static_cast<double>(r.total.payload_bytes), r.total.comm_time_s,
                r.final_test_acc);
  }
  std::printf("results: %s\n", result.out_dir.c_str());
}

void add_run(CLI::App& app, Options& o) {
  CLI::App* run = app.add_subcommand("run", "Run a scenario's algorithms and write results");
  run->add_option("scenario", o.scenario_file, "Scenario JSON file")->required();
  run->add_option("--out", o.out_dir, "Results directory (default: results/<scenario name>)");
  run->add_option("--set", o.overrides,
                  "Override a scenario key by dotted path, e.g. --set workers=4 "
                  "--set network.bandwidth=100Mbps (the value is JSON if it parses, else a string)")
      ->type_name("KEY=VALUE");
  run->add_option("--only", o.only, "Run only these algorithms (labels, comma-separated)")
      ->type_name("ALG,...");
  run->add_flag("-q,--quiet", o.quiet, "No progress line on stderr");
  run->add_flag("--resume", o.resume,
                "Continue the run in the results directory: finished algorithms are kept, an "
                "interrupted one continues from its last checkpoint");
  run->add_option("--checkpoint-interval", o.checkpoint_interval_s,
                  "Write a checkpoint at the first evaluation at least this many seconds after "
                  "the last one (0: at every evaluation)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--jobs", o.jobs, "With \"seeds\": seeds run at once (one process each)")
      ->check(CLI::PositiveNumber);
}

void add_replay(CLI::App& app, Options& o) {
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-time a finished run under other network settings, without training");
  replay->add_option("run_dir", o.run_dir, "Results directory of `sasgsim run`")->required();
  replay->add_option("--out", o.out_dir, "Results directory (default: RUN_DIR-replay)");
  replay->add_option("--set", o.overrides,
                     "Change a network key, e.g. --set network.bandwidth=100Mbps "
                     "(only network.* keys: the uploads do not depend on the network)")
      ->type_name("network.KEY=VALUE");
  replay->add_option("--only", o.only, "Replay only these algorithms (comma-separated)")
      ->type_name("ALG,...");
  replay->add_flag("-q,--quiet", o.quiet, "No progress line on stderr");
}

void add_sweep(CLI::App& app, Options& o) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a scenario over the values of its \"sweep\" block; points that differ "
               "only in the network share one training run (replayed)");
  sweep->add_option("scenario", o.sweep.scenario_file, "Scenario JSON file with a sweep block");
  sweep->add_option("--out", o.sweep.out_dir,
                    "Sweep directory (default: results/<scenario name>-sweep)");
  sweep->add_option("--jobs", o.sweep.jobs, "Training runs (with their replays) at once")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--set", o.sweep.overrides, "Override a key before sweeping")
      ->type_name("KEY=VALUE");
  sweep->add_option("--only", o.only, "Run only these algorithms at every point (labels, "
                                      "comma-separated)")
      ->type_name("ALG,...");
  sweep->add_option("--emit-jobs", o.sweep.emit_jobs,
                    "Write one command line per training run to FILE (for GNU parallel or a "
                    "Slurm array) instead of running them")
      ->type_name("FILE");
  sweep->add_option("--collect", o.collect_dir,
                    "Build DIR/sweep.csv (and plots) from the finished points of a sweep")
      ->type_name("DIR");
  sweep->add_flag("--no-plots", o.no_plots, "Do not draw the sweep's plots");
  sweep->add_flag("-q,--quiet", o.sweep.quiet, "No progress lines on stderr");
}

void add_analysis(CLI::App& app, Options& o) {
  CLI::App* plot = app.add_subcommand("plot", "Draw the plots of a run, multi-seed run or sweep");
  plot->add_option("dir", o.results_dir, "Results directory")->required();
  plot->add_option("--format", o.plot_format, "png, pdf or svg")
      ->check(CLI::IsMember({"png", "pdf", "svg"}));
  CLI::App* report = app.add_subcommand(
      "report", "Write report.md with the paper's Tables II and III for a results directory");
  report->add_option("dir", o.results_dir, "Results directory")->required();
  CLI::App* timeline = app.add_subcommand(
      "timeline", "Export a run's simulated timeline as Chrome/Perfetto trace-event JSON");
  timeline->add_option("dir", o.results_dir, "Results directory of a run")->required();
  timeline->add_option("--algorithm", o.timeline_algorithms, "Labels (default: every algorithm)")
      ->type_name("LABEL");
  timeline->add_option("--iterations", o.timeline_range, "FROM:TO, TO exclusive (default 0:20)");
  timeline->add_option("--out", o.timeline_out,
                       "Output file (default DIR/<label>/timeline.json; one algorithm only)");
}

void add_validate_and_schema(CLI::App& app, Options& o) {
  CLI::App* validate =
      app.add_subcommand("validate", "Check scenario files and report every problem");
  validate->add_option("files", o.files, "Scenario JSON files")->required();
  validate->add_option("--set", o.overrides, "Override a key before validating")
      ->type_name("KEY=VALUE");
  CLI::App* schema = app.add_subcommand(
      "schema", "Print the scenario keys (Markdown or JSON Schema) or the result files' columns");
  schema->add_flag("--markdown", o.markdown, "Every key table, as scenarios/README.md has them");
  schema->add_flag("--json-schema", o.json_schema,
                   "A JSON Schema (draft 2020-12) of scenario files, for editors and validators");
  schema->add_flag("--results", o.results,
                   "The columns and keys of the result files as JSON (analysis/result_schema.json)");
  schema->add_option("--update", o.update,
                     "Rewrite the generated tables between the markers in these Markdown files")
      ->type_name("FILE");
}

void add_calibrate(CLI::App& app, Options& o) {
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "Fit a network profile to point-to-point measurements of a real cluster "
                   "(analysis/measure_gloo.py)");
  calibrate->add_option("measurements", o.measurements, "CSV: kind,bytes,repeat,seconds")
      ->required();
  calibrate->add_option("--out", o.profile_out,
                        "Profile to write (a network section for \"include\" or --set "
                        "network.include=FILE)")
      ->required();
  calibrate->add_option("--framing-bytes", o.framing_bytes,
                        "Wire bytes per frame beyond the IP packet on the cluster's links "
                        "(38: Ethernet)")
      ->check(CLI::Range(2, 65535));
}

int command_calibrate(const Options& o) {
  const Calibration c = calibrate(read_measurements(o.measurements), o.framing_bytes);
  std::fputs(calibration_report(c).c_str(), stdout);
  write_file_atomically(o.profile_out, calibrated_profile(c, o.measurements).dump(2) + "\n");
  std::printf("profile: %s\n", o.profile_out.c_str());
  return kExitOk;
}

int command_validate(const Options& o) {
  int failed = 0;
  for (const std::string& file : o.files) {
    try {
      Scenario s = load_runnable_scenario(file, o.overrides);
      std::printf("%s: ok (scenario \"%s\", %zu algorithm%s)\n", file.c_str(), s.name.c_str(),
                  s.algorithms.size(), s.algorithms.size() == 1 ? "" : "s");
    } catch (const ScenarioError& e) {
      ++failed;
      std::fprintf(stderr, "%s\n", e.what());
    }
  }
  return failed ? kExitUser : kExitOk;
}

int command_schema(const Options& o) {
  for (const std::string& file : o.update) {
    std::ifstream in(file);
    if (!in) throw UsageError("schema --update: cannot read " + file);
    std::stringstream text;
    text << in.rdbuf();
    try {
      write_file_atomically(file, update_generated_tables(text.str()));
    } catch (const std::invalid_argument& e) {
      throw UsageError("schema --update " + file + ": " + e.what());
    }
    std::fprintf(stderr, "updated %s\n", file.c_str());
  }
  const int chosen = int(o.markdown) + int(o.json_schema) + int(o.results);
  if (chosen == 0 && o.update.empty()) {
    throw UsageError("schema: give --markdown, --json-schema, --results or --update FILE");
  }
  if (chosen > 1) throw UsageError("schema: give one of --markdown, --json-schema, --results");
  if (o.markdown) std::cout << schema_markdown();
  if (o.json_schema) std::cout << scenario_json_schema().dump(2) << "\n";
  if (o.results) std::cout << results::schema_json().dump(2) << "\n";
  return kExitOk;
}

int command_timeline(const Options& o) {
  std::vector<std::string> args{o.results_dir, "--iterations", o.timeline_range};
  for (const std::string& a : o.timeline_algorithms) {
    args.push_back("--algorithm");
    args.push_back(a);
  }
  if (!o.timeline_out.empty()) {
    args.push_back("--out");
    args.push_back(o.timeline_out);
  }
  return run_analysis_script("timeline.py", args);
}

int command_sweep(Options& o) {
  o.sweep.plots = !o.no_plots;
  if (!o.collect_dir.empty()) return collect_sweep(o.collect_dir, o.sweep.plots);
  if (o.sweep.scenario_file.empty()) throw UsageError("sweep: give a scenario file (or --collect DIR)");
  o.sweep.only = split_list(o.only);
  return run_sweep(o.sweep);
}

int command_replay(const Options& o, const std::string& command_line) {
  ReplayRequest request;
  request.run_dir = o.run_dir;
  request.overrides = o.overrides;
  request.out_dir = o.out_dir;
  request.only = split_list(o.only);
  request.quiet = o.quiet;
  request.command_line = command_line;
  print_results(replay_run(request));
  return kExitOk;
}

int command_run(const Options& o, const std::string& command_line) {
  Scenario scenario = load_runnable_scenario(o.scenario_file, o.overrides);
  if (!scenario.seeds.empty() && !scenario.sweep.empty()) {
    throw UsageError(o.scenario_file + " has both \"seeds\" and a \"sweep\" block: a sweep "
                     "runs one seed per point, so sweep over \"seed\" instead (e.g. \"sweep\": "
                     "{\"seed\": [1, 19, 31], ...}) and run it with `sasgsim sweep`");
  }
  if (!scenario.seeds.empty()) {
    SeedsRequest request{o.out_dir,  split_list(o.only),        o.jobs,      o.quiet,
                         o.resume,   o.checkpoint_interval_s,   command_line};
    return run_seeds(scenario, request);
  }
  if (!scenario.sweep.empty()) {
    throw UsageError(o.scenario_file + " has a \"sweep\" block: run it with `sasgsim sweep " +
                     o.scenario_file + "`, or run its base scenario with --set sweep=null");
  }
  RunRequest request;
  request.out_dir = o.out_dir;
  request.only = split_list(o.only);
  request.quiet = o.quiet;
  request.command_line = command_line;
  request.resume = o.resume;
  request.checkpoint_interval_s = o.checkpoint_interval_s;
  print_results(run_scenario(scenario, request));
  return kExitOk;
}

int dispatch(const CLI::App& app, Options& o, const std::string& command_line) {
  const std::string name = app.get_subcommands().front()->get_name();
  if (name == "validate") return command_validate(o);
  if (name == "schema") return command_schema(o);
  if (name == "sweep") return command_sweep(o);
  if (name == "plot") return run_analysis_script("plot.py", {o.results_dir, "--format", o.plot_format});
  if (name == "report") return run_analysis_script("report.py", {o.results_dir});
  if (name == "timeline") return command_timeline(o);
  if (name == "replay") return command_replay(o, command_line);
  if (name == "calibrate") return command_calibrate(o);
  return command_run(o, command_line);
}

// Only here are exceptions turned into exit codes: 2 for the user's errors, 1 for ours.
template <typename Body>
int exit_code_of(Body body) {
  try {
    return body();
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

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"sasgsim: discrete-event network simulator for communication-efficient "
               "distributed SGD (SGD, Sparse, LASG, SASG)"};
  app.set_version_flag("--version", std::string("sasgsim ") + SASGSIM_VERSION);
  app.require_subcommand(1);
  Options options;
  add_run(app, options);
  add_replay(app, options);
  add_sweep(app, options);
  add_analysis(app, options);
  add_validate_and_schema(app, options);
  add_calibrate(app, options);
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
  const std::string command_line = join_args(argc, argv);
  return exit_code_of([&] { return dispatch(app, options, command_line); });
}

}  // namespace sasgsim
