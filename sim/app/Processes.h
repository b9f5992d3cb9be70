// Child processes of the command line: a pool that runs shell commands N at a time (sweep
// jobs, seeds), the progress line it reports on, and the Python analysis scripts.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace sasgsim {

// Runs the commands with at most `jobs` at once, each one's output into its log file; calls
// `tick(running)` about twice a second. Returns the largest exit code of a failed command (0
// when all succeed).
int run_jobs(const std::vector<std::string>& commands, const std::vector<std::string>& logs,
             int jobs, const std::function<void(int running)>& tick);

// A tick for run_jobs: "[tag] noun done/total done, R jobs running, T elapsed" on stderr
// whenever count_done() changes, and once at the end; nothing when quiet.
std::function<void(int)> job_progress(bool quiet, const char* tag, const char* noun, size_t total,
                                      std::function<size_t()> count_done);

// `s` quoted for /bin/sh.
std::string shell_quote(const std::string& s);

// " --only 'a,b'" for a child run of these algorithm labels; empty for none (all of them).
std::string only_argument(const std::vector<std::string>& labels);

// This executable's absolute path (for the command lines of child runs).
std::string self_binary();

// Runs analysis/<script> with Debian's Python on `args`; returns its exit code.
int run_analysis_script(const std::string& script, const std::vector<std::string>& args);

}  // namespace sasgsim
