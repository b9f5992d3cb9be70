// Wall-clock cost of the ns-3 backend on a fixed upload pattern: every worker uploads the
// same number of bytes each iteration (dense SGD) or a fraction of workers upload (lazy).
// Prints wall seconds, wall seconds per 1,000 iterations, simulated seconds per wall second
// and simulated packets per wall second.
//
// Usage: ns3_transfer [--scenario FILE] [--set KEY=VALUE ...]
//                     [--fidelity exact|memo] [--iterations N] [--workers M] [--bytes B]
//                     [--schedule sequential|concurrent] [--rate-bps R] [--latency-s D]
//                     [--upload-every K]   (worker m uploads when (t + m) % K == 0)
//                     [--csv FILE]         (per iteration: iteration,uploads,comm_time_s)
// With --scenario the network section and M come from the scenario file (after the --set
// overrides, as `sasgsim run` reads them); the other flags then change what they name.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "sim/net/Network.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/ScenarioParser.h"

using namespace sasgsim;

namespace {
std::string fmt_seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", s);
  return text;
}
}  // namespace

int main(int argc, char** argv) {
  NetworkOptions options;
  options.backend = NetworkBackendKind::kNs3;
  int64_t iterations = 1000;
  int workers = 10;
  int64_t bytes = 16 + 4 * 407050;  // a dense fc512 upload
  int64_t every = 1;
  std::string scenario_file, csv_file;
  std::vector<std::string> overrides;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--scenario") == 0) scenario_file = argv[i + 1];
    if (std::strcmp(argv[i], "--set") == 0) overrides.emplace_back(argv[i + 1]);
  }
  if (!scenario_file.empty()) {
    try {
      const Scenario s = load_scenario(scenario_file, overrides);
      options = s.network;
      workers = s.workers;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--scenario" || key == "--set") {
      continue;
    } else if (key == "--csv") {
      csv_file = value;
    } else if (key == "--fidelity") {
      options.fidelity = std::strcmp(value, "exact") == 0 ? FidelityKind::kExact : FidelityKind::kMemo;
    } else if (key == "--iterations") {
      iterations = std::atoll(value);
    } else if (key == "--workers") {
      workers = std::atoi(value);
    } else if (key == "--bytes") {
      bytes = std::atoll(value);
    } else if (key == "--schedule") {
      options.schedule = std::strcmp(value, "concurrent") == 0 ? ScheduleKind::kConcurrent
                                                               : ScheduleKind::kSequential;
    } else if (key == "--rate-bps") {
      options.link.rate_bps = std::atof(value);
    } else if (key == "--latency-s") {
      options.link.latency_s = std::atof(value);
    } else if (key == "--upload-every") {
      every = std::atoll(value);
    } else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (scenario_file.empty()) options.server_link.rate_bps = options.link.rate_bps;
  std::ofstream csv;
  if (!csv_file.empty()) {
    csv.open(csv_file);
    csv << "iteration,uploads,comm_time_s\n";
  }
  NetworkSetup setup;
  setup.workers = workers;
  setup.model_bytes = bytes;
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Network> net = make_network(options, setup);
  double comm_s = 0.0;
  std::vector<Upload> uploads;
  for (int64_t t = 0; t < iterations; ++t) {
    uploads.clear();
    for (int m = 0; m < workers; ++m) {
      if ((t + m) % every == 0) uploads.push_back(Upload{m, bytes});
    }
    const double iteration_s = net->transfer(t, uploads).comm_time_s;
    comm_s += iteration_s;
    if (csv.is_open()) csv << t << ',' << uploads.size() << ',' << fmt_seconds(iteration_s) << '\n';
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json summary = net->summary();
  const double simulated_s = summary.value("simulated_s", 0.0);
  const double packets = summary.value("packets_simulated", 0.0);
  std::printf("fidelity=%s schedule=%s workers=%d bytes=%lld iterations=%lld upload_every=%lld\n",
              to_string(options.fidelity), to_string(options.schedule), workers,
              static_cast<long long>(bytes), static_cast<long long>(iterations),
              static_cast<long long>(every));
  std::printf("wall_s=%.3f wall_s_per_1000_iterations=%.3f comm_time_s=%.6f simulated_s=%.6f "
              "sim_s_per_wall_s=%.4f packets=%.0f packets_per_wall_s=%.0f\n",
              wall_s, wall_s * 1000.0 / static_cast<double>(iterations), comm_s, simulated_s,
              simulated_s / wall_s, packets, packets / wall_s);
  return 0;
}
