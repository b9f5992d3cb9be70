// Re-times a finished run under other network settings without training: in a synchronous
// parameter server, which worker uploads what does not depend on the network, so the run's
// uploads trace is fed through the new network and every network-dependent figure recomputed.
// The result files equal those of a full run with the same settings.
#pragma once

#include <string>
#include <vector>

#include "sim/runtime/ScenarioRunner.h"

namespace sasgsim {

struct ReplayRequest {
  std::string run_dir;                  // a complete results directory of `sasgsim run`
  std::vector<std::string> overrides;   // --set network.KEY=VALUE assignments
  std::string out_dir;                  // empty: <run_dir>-replay
  std::vector<std::string> only;        // algorithm labels to replay; empty: all
  bool quiet = false;                   // no progress line
  std::string command_line;             // recorded in the manifest
};

// Throws UsageError (an override outside network.*, out_dir equal to run_dir), ScenarioError
// (invalid network settings) or DataError (missing, incomplete or inconsistent run files).
ScenarioResult replay_run(const ReplayRequest& request);

}  // namespace sasgsim
