// `sasgsim sweep`: runs a scenario over the cartesian product of its "sweep" block. Points
// that differ only in network settings share one training run: the first is trained, the
// others replay its uploads trace through their network. Each training run and its replays
// form one job, a shell command line; jobs run here (--jobs N at a time) or are written out
// for GNU parallel or a Slurm array (--emit-jobs), and --collect builds sweep.csv.
#pragma once

#include <string>
#include <vector>

namespace sasgsim {

struct SweepRequest {
  std::string scenario_file;
  std::vector<std::string> overrides;  // --set, applied before the sweep block
  std::string out_dir;                 // empty: results/<scenario name>-sweep
  int jobs = 1;                        // jobs run at once
  std::vector<std::string> only;       // --only: the algorithm labels to run; empty: all
  std::string emit_jobs;               // non-empty: write the job lines here, run nothing
  bool quiet = false;                  // no progress line
  bool plots = true;                   // draw the sweep's plots when done
};

// Plans the sweep, writes DIR/sweep.json and one scenario file per point, then runs the jobs
// and collects (or only writes the job lines). Returns the exit code.
int run_sweep(const SweepRequest& request);

// Builds DIR/sweep.csv from the points' results and prints a summary. Returns the exit code.
int collect_sweep(const std::string& dir, bool plots);

}  // namespace sasgsim
