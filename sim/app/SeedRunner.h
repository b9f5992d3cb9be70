// Multi-seed runs: a scenario with "seeds" runs every algorithm once per seed, each seed as a
// child `sasgsim run` of that seed's resolved scenario (DIR/seeds/seed-<s>.json) into
// DIR/seed-<s>/, N at a time; DIR/manifest.json lists the runs, and the mean and standard
// deviation per algorithm are printed. Seeds already complete are not run again; with --resume
// the others continue from their checkpoints.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

struct SeedsRequest {
  std::string out_dir;              // empty: results/<scenario name>
  std::vector<std::string> only;    // algorithm labels; empty: all
  int jobs = 1;                     // seeds run at once
  bool quiet = false;
  bool resume = false;              // seeds not complete continue from their checkpoints
  double checkpoint_interval_s = 60.0;  // passed on to each seed's run
  std::string command_line;
};

// Returns the exit code.
int run_seeds(const Scenario& scenario, const SeedsRequest& request);

}  // namespace sasgsim
