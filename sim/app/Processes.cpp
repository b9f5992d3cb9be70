#include "sim/app/Processes.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include "sim/runtime/Progress.h"

#ifndef SASGSIM_SOURCE_DIR
#define SASGSIM_SOURCE_DIR "."
#endif

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

pid_t start_job(const std::string& command, const std::string& log) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const std::string cmd = "(" + command + ") >" + shell_quote(log) + " 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

int run_jobs(const std::vector<std::string>& commands, const std::vector<std::string>& logs,
             int jobs, const std::function<void(int)>& tick) {
  std::map<pid_t, size_t> running;
  size_t next = 0;
  int worst = 0;
  while (next < commands.size() || !running.empty()) {
    while (next < commands.size() && static_cast<int>(running.size()) < std::max(1, jobs)) {
      running[start_job(commands[next], logs[next])] = next;
      ++next;
    }
    int status = 0;
    const pid_t done = waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      const size_t job = running.at(done);
      running.erase(done);
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (code != 0) {
        std::fprintf(stderr, "job %zu failed (exit %d); its output: %s\n", job + 1, code,
                     logs[job].c_str());
        worst = std::max(worst, code);
      }
      continue;
    }
    tick(static_cast<int>(running.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  tick(0);
  return worst;
}

std::function<void(int)> job_progress(bool quiet, const char* tag, const char* noun, size_t total,
                                      std::function<size_t()> count_done) {
  if (quiet) return [](int) {};
  const auto start = std::chrono::steady_clock::now();
  return [=, last_done = SIZE_MAX](int running) mutable {
    const size_t done = count_done();
    if (done == last_done && running > 0) return;
    last_done = done;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "[%s] %s %zu/%zu done, %d job%s running, %s elapsed\n", tag, noun, done,
                 total, running, running == 1 ? "" : "s", format_duration(elapsed).c_str());
  };
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string only_argument(const std::vector<std::string>& labels) {
  std::string joined;
  for (const std::string& label : labels) joined += (joined.empty() ? "" : ",") + label;
  return joined.empty() ? "" : " --only " + shell_quote(joined);
}

std::string self_binary() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sasgsim") : p.string();
}

int run_analysis_script(const std::string& script, const std::vector<std::string>& args) {
  const char* env = std::getenv("SASGSIM_ANALYSIS_DIR");
  const fs::path dir = env != nullptr ? fs::path(env) : fs::path(SASGSIM_SOURCE_DIR) / "analysis";
  const fs::path path = dir / script;
  if (!fs::exists(path)) {
    std::fprintf(stderr, "error: %s not found (set SASGSIM_ANALYSIS_DIR to the analysis/ folder "
                 "of the sasgsim sources)\n", path.string().c_str());
    return 2;
  }
  std::string cmd = "/usr/bin/python3 " + shell_quote(path.string());
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  std::fflush(nullptr);
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace sasgsim
