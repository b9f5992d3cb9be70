// Runs every algorithm of a scenario (or a chosen subset) on identical data, initial weights
// and seed, and writes the results directory: one folder per algorithm plus manifest.json.
#pragma once

#include <string>
#include <vector>

#include "sim/runtime/Trainer.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

struct RunRequest {
  std::string out_dir;            // empty: results/<scenario name>
  std::vector<std::string> only;  // algorithm labels to run; empty: all
  bool quiet = false;             // no progress line
  std::string command_line;       // recorded in the manifest
  // Continue the run in out_dir: algorithms with results are kept, one with a checkpoint
  // continues from it, the others start. A directory without a run starts one.
  bool resume = false;
  double checkpoint_interval_s = kDefaultCheckpointIntervalS;  // see TrainerSettings
};

struct ScenarioResult {
  std::string out_dir;
  std::vector<RunSummary> runs;
};

// Throws UsageError when resuming a directory that holds a run of another scenario, other
// algorithms (--only) or another length.
ScenarioResult run_scenario(const Scenario& scenario, const RunRequest& request);

// The device a scenario's "device" setting resolves to on this machine; throws UsageError when
// "cuda" is requested and LibTorch has no CUDA device.
torch::Device resolve_device(DeviceKind kind);

// Sets LibTorch's intra-op threads (0: sasgsim's default for this machine); returns the count.
int configure_threads(int requested);

}  // namespace sasgsim
