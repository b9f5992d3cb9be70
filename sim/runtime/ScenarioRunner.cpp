#include "sim/runtime/ScenarioRunner.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "algorithms/Algorithm.h"
#include "models/Model.h"
#include "sim/data/TrainingData.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/net/Network.h"
#include "sim/scenario/Errors.h"

#ifndef SASGSIM_VERSION
#define SASGSIM_VERSION "unknown"
#endif

namespace sasgsim {
namespace {

std::vector<const AlgorithmConfig*> select_algorithms(const Scenario& scenario,
                                                       const std::vector<std::string>& only) {
  std::vector<const AlgorithmConfig*> chosen;
  if (only.empty()) {
    for (const auto& a : scenario.algorithms) chosen.push_back(&a);
    return chosen;
  }
  std::set<std::string> wanted(only.begin(), only.end());
  for (const auto& a : scenario.algorithms) {
    if (wanted.erase(a.label)) chosen.push_back(&a);
  }
  if (!wanted.empty()) {
    std::string available;
    for (const auto& a : scenario.algorithms) available += (available.empty() ? "" : ", ") + a.label;
    throw UsageError(fmt::format("--only: no algorithm labelled \"{}\" in scenario \"{}\" "
                                 "(it has: {})",
                                 *wanted.begin(), scenario.name, available));
  }
  return chosen;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

}  // namespace

torch::Device resolve_device(DeviceKind kind) {
  const bool cuda = torch::cuda::is_available();
  switch (kind) {
    case DeviceKind::kCpu:
      return torch::kCPU;
    case DeviceKind::kCuda:
      if (!cuda) {
        throw UsageError(
            "device \"cuda\" was requested but this LibTorch build has no usable CUDA device; "
            "use \"auto\" or \"cpu\" (--set device=cpu)");
      }
      return torch::Device(torch::kCUDA, 0);
    case DeviceKind::kAuto:
      return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  }
  return torch::kCPU;
}

int configure_threads(int requested) {
  // One intra-op thread is fastest for batch-10 workloads on small machines: the kernels are
  // too small to split, and extra threads contend with OpenBLAS's own (bench/RESULTS.md).
  const int threads = requested > 0 ? requested : 1;
  torch::set_num_threads(threads);
  // OpenBLAS (Debian's libopenblas0-pthread behind LibTorch) keeps its own thread pool, which
  // would otherwise spin on the cores LibTorch uses; it is set only when that library is loaded.
  using SetThreads = void (*)(int);
  if (auto set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_blas(threads);
  }
  return threads;
}

namespace {

// Training length in iterations: train.iterations, or train.epochs once the dataset is known.
int64_t resolved_iterations(const Scenario& scenario, const TrainingData& data) {
  const int64_t per_epoch = data.iterations_per_epoch();
  if (per_epoch < 1) {
    throw DataError(fmt::format(
        "the training set has {} samples, fewer than one iteration of {} workers x batch {}",
        data.train_size(), scenario.workers, scenario.data.batch_size));
  }
  if (scenario.train.iterations) return *scenario.train.iterations;
  const auto iterations =
      static_cast<int64_t>(std::llround(*scenario.train.epochs * static_cast<double>(per_epoch)));
  if (iterations < 1) {
    throw UsageError(fmt::format("train.epochs = {} gives no iteration ({} iterations per epoch)",
                                 *scenario.train.epochs, per_epoch));
  }
  return iterations;
}

// The downlink sends the dense model: its size comes from the model's parameter count.
int64_t parameter_count(const Scenario& scenario, const TrainingData& data) {
  int64_t parameters = 0;
  for (const torch::Tensor& p :
       make_model(scenario.model, data.input_shape(), data.classes())->parameters()) {
    parameters += p.numel();
  }
  return parameters;
}

nlohmann::json start_manifest(const Scenario& scenario, const RunRequest& request,
                              const TrainingData& data, const std::string& device, int threads,
                              int64_t iterations, const NetworkSetup& network, int64_t parameters,
                              const std::vector<const AlgorithmConfig*>& chosen) {
  nlohmann::json manifest = {
      {"scenario", scenario.resolved},
      {"seed", scenario.seed},
      {"versions",
       {{"sasgsim", SASGSIM_VERSION}, {"libtorch", TORCH_VERSION}, {"ns3", ns3_version()}}},
      {"device", device},
      {"threads", threads},
      {"iterations", iterations},
      {"iterations_per_epoch", data.iterations_per_epoch()},
      {"train_size", data.train_size()},
      {"test_size", data.test().size()},
      {"network_backend", to_string(scenario.network.backend)},
      {"model_parameters", parameters},
      {"model_bytes", network.model_bytes},
      {"command", request.command_line},
      {"started_utc", utc_now()},
      {"algorithms", nlohmann::json::array()},
      {"complete", false},
  };
  for (const AlgorithmConfig* a : chosen) manifest["algorithms"].push_back(a->label);
  return manifest;
}

// The manifest of the run that `request` resumes: the one in its directory, checked to be of
// the same scenario, algorithms and length as `manifest`; null when there is none.
nlohmann::json resumed_manifest(const std::string& path, const nlohmann::json& manifest,
                                bool quiet) {
  if (!std::filesystem::exists(path)) {
    if (!quiet) std::fprintf(stderr, "resume: no run in %s yet; starting one\n", path.c_str());
    return nullptr;
  }
  nlohmann::json earlier;
  try {
    earlier = nlohmann::json::parse(std::ifstream(path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("--resume: {} is not valid JSON: {}", path, e.what()));
  }
  for (const char* key : {"scenario", "algorithms", "iterations"}) {
    if (earlier.value(key, nlohmann::json()) != manifest.at(key)) {
      throw UsageError(fmt::format(
          "--resume: the run in {} has another \"{}\" than this command's (its scenario, "
          "--set or --only differ); resume it with the command in its manifest (\"command\"), "
          "or choose another --out",
          path, key));
    }
  }
  return earlier;
}

// An algorithm that finished before the run was resumed: its summary.json.
RunSummary finished_summary(const std::string& dir, const nlohmann::json& earlier,
                            const std::string& label) {
  std::ifstream in(dir + "/summary.json");
  RunSummary summary = RunSummary::from_json(nlohmann::json::parse(in));
  const nlohmann::json none = nlohmann::json::object();
  summary.host_seconds = earlier.value("host_seconds", none).value(label, 0.0);
  summary.network_host_seconds = earlier.value("network_host_seconds", none).value(label, 0.0);
  return summary;
}

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, const RunRequest& request) {
  if (std::vector<ScenarioIssue> issues = check_network(scenario.network); !issues.empty()) {
    throw ScenarioError("scenario \"" + scenario.name + "\"", std::move(issues));
  }
  const std::vector<const AlgorithmConfig*> chosen = select_algorithms(scenario, request.only);
  const torch::Device device = resolve_device(scenario.device);
  const int threads = configure_threads(scenario.threads);

  ScenarioResult result;
  result.out_dir = request.out_dir.empty() ? "results/" + scenario.name : request.out_dir;
  TrainingData data(scenario);
  const int64_t iterations = resolved_iterations(scenario, data);
  const int64_t parameters = parameter_count(scenario, data);
  NetworkSetup network_setup;
  network_setup.workers = scenario.workers;
  network_setup.model_bytes = dense_payload_bytes(parameters);
  network_setup.seed = scenario.seed;

  nlohmann::json manifest = start_manifest(scenario, request, data, device.str(), threads,
                                           iterations, network_setup, parameters, chosen);
  const std::string manifest_path = result.out_dir + "/manifest.json";
  const nlohmann::json earlier =
      request.resume ? resumed_manifest(manifest_path, manifest, request.quiet) : nullptr;
  if (!earlier.is_null()) {
    manifest["started_utc"] = earlier.at("started_utc");
    manifest["resumed_utc"] = earlier.value("resumed_utc", nlohmann::json::array());
    manifest["resumed_utc"].push_back(utc_now());
  }
  manifest["host_seconds"] = nlohmann::json::object();
  manifest["network_host_seconds"] = nlohmann::json::object();
  write_file_atomically(manifest_path, manifest.dump(2) + "\n");

  for (size_t i = 0; i < chosen.size(); ++i) {
    const AlgorithmConfig& a = *chosen[i];
    TrainerSettings settings;
    settings.device = device;
    settings.iterations = iterations;
    settings.iterations_per_epoch = data.iterations_per_epoch();
    settings.out_dir = result.out_dir + "/" + a.label;
    settings.progress_label =
        fmt::format("[{}] {} ({}/{})", scenario.name, a.label, i + 1, chosen.size());
    settings.quiet = request.quiet;
    settings.checkpoint_interval_s = request.checkpoint_interval_s;
    if (!earlier.is_null() && std::filesystem::exists(settings.out_dir + "/summary.json")) {
      result.runs.push_back(finished_summary(settings.out_dir, earlier, a.label));
    } else {
      settings.resume = !earlier.is_null() &&
                        std::filesystem::exists(checkpoint_file(settings.out_dir));
      // A fresh network per algorithm: its results do not depend on which ran before it.
      std::unique_ptr<Network> network = make_network(scenario.network, network_setup);
      Trainer trainer(scenario, a, data, *network, settings);
      result.runs.push_back(trainer.run());
    }
    // Kept up to date, so that a resumed run knows the finished algorithms' host times.
    manifest["host_seconds"][a.label] = result.runs.back().host_seconds;
    manifest["network_host_seconds"][a.label] = result.runs.back().network_host_seconds;
    write_file_atomically(manifest_path, manifest.dump(2) + "\n");
  }
  manifest["finished_utc"] = utc_now();
  manifest["complete"] = true;
  write_file_atomically(manifest_path, manifest.dump(2) + "\n");
  return result;
}

}  // namespace sasgsim
