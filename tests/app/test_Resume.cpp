// Resumable runs, end to end: a run killed with SIGKILL in the middle of each of its
// algorithms and resumed every time gives, byte for byte, the files of a run never interrupted;
// a killed run leaves nothing that looks complete.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "tests/app/CliFixture.h"

extern char** environ;

namespace {

using namespace sasgsim::test;

// Every rule, and every compressor that keeps state between iterations (generators, warm
// starts, momentum, stored messages), on the ns-3 network with memo fidelity, whose state
// (simulated patterns) a resumed run must rebuild.
nlohmann::json resumable_scenario() {
  return nlohmann::json::parse(R"({
    "name": "resumable",
    "seed": 11,
    "device": "cpu",
    "workers": 3,
    "data": {"dataset": "synthetic", "batch_size": 8,
             "synthetic": {"train_size": 960, "test_size": 96, "classes": 4,
                           "shape": [1, 6, 6], "noise": 1.0}},
    "model": "fc512",
    "train": {"iterations": 120, "lr": 0.05, "eval_every": 10},
    "algorithms": [
      "sgd", "sparse", "lasg", "sasg",
      {"label": "lazy-qsgd", "rule": "lazy", "compressor": {"name": "qsgd", "levels": 16}},
      {"label": "randomk-ef", "rule": "always", "error_feedback": true,
       "compressor": {"name": "randomk", "density": 0.1}},
      {"label": "periodic-terngrad", "rule": "periodic", "compressor": "terngrad"},
      {"label": "powersgd-ef", "rule": "always", "error_feedback": true,
       "compressor": {"name": "powersgd", "rank": 2}},
      {"label": "dgc", "rule": "always", "compressor": "dgc"}
    ],
    "network": {"backend": "ns3", "bandwidth": "100Mbps", "latency": "1ms",
                "fidelity": "memo"}
  })");
}

std::vector<std::string> labels_of(const nlohmann::json& scenario) {
  std::vector<std::string> labels;
  for (const nlohmann::json& a : scenario["algorithms"]) {
    labels.push_back(a.is_string() ? a.get<std::string>() : a["label"].get<std::string>());
  }
  return labels;
}

const std::vector<std::string> kResultFiles = {"metrics.csv", "uploads.csv", "skips.csv",
                                               "iterations.csv", "summary.json"};

// `sasgsim ARGS` started in the background (exec'd by the shell, so the pid is sasgsim's),
// its stdout and stderr appended to `log`.
pid_t start_sasgsim(const std::string& args, const fs::path& log) {
  const std::string command = "exec " + kBinary + " " + args + " >>" + log.string() + " 2>&1";
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    ADD_FAILURE() << "cannot start " << command;
  }
  return pid;
}

int data_rows(const fs::path& csv) {
  const std::string text = slurp(csv);
  return std::max(0, static_cast<int>(std::count(text.begin(), text.end(), '\n')) - 1);
}

// The first algorithm not yet killed that is past its second checkpoint (three evaluations
// in metrics.csv, the checkpoint file present) and not finished.
std::optional<std::string> due_for_kill(const fs::path& out, const nlohmann::json& scenario,
                                        const std::set<std::string>& killed) {
  for (const std::string& label : labels_of(scenario)) {
    const fs::path dir = out / label;
    if (killed.count(label) || fs::exists(dir / "summary.json")) continue;
    if (fs::exists(dir / "checkpoint.pt") && data_rows(dir / "metrics.csv") >= 3) return label;
  }
  return std::nullopt;
}

// What a killed run leaves of the algorithm it was in: no file that passes for a finished one.
void expect_nothing_looks_complete(const fs::path& out, const std::string& label) {
  const nlohmann::json manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_FALSE(manifest["complete"].get<bool>());
  EXPECT_FALSE(fs::exists(out / label / "summary.json")) << label;
  for (const char* f : {"uploads.csv", "skips.csv", "iterations.csv"}) {
    EXPECT_FALSE(fs::exists(out / label / f)) << label << "/" << f << " looks complete";
    EXPECT_TRUE(fs::exists(out / label / (std::string(f) + ".partial"))) << label << "/" << f;
  }
}

// Runs `args` to the end, killing it with SIGKILL once in every algorithm (after that
// algorithm's second checkpoint) and resuming it each time; returns the algorithms killed.
std::set<std::string> run_killing_each_algorithm(const std::string& args, const fs::path& out,
                                                 const nlohmann::json& scenario,
                                                 const fs::path& log) {
  std::set<std::string> killed;
  const size_t algorithms = scenario["algorithms"].size();
  for (size_t start = 0; start <= algorithms; ++start) {
    const pid_t pid = start_sasgsim(args + (start > 0 ? " --resume" : ""), log);
    int status = 0;
    std::optional<std::string> victim;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if ((victim = due_for_kill(out, scenario, killed))) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!victim) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
      return killed;
    }
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << *victim;
    expect_nothing_looks_complete(out, *victim);
    killed.insert(*victim);
  }
  ADD_FAILURE() << "the run was still not finished after " << algorithms << " kills";
  return killed;
}

// The manifest without what differs between two runs of one scenario: times and commands.
nlohmann::json stable_manifest(const fs::path& file) {
  nlohmann::json m = nlohmann::json::parse(slurp(file));
  for (const char* key : {"started_utc", "finished_utc", "resumed_utc", "command",
                          "host_seconds", "network_host_seconds"}) {
    m.erase(key);
  }
  return m;
}

class ResumeTest : public CliTest {};

TEST_F(ResumeTest, KilledInEveryAlgorithmAndResumedEqualsAnUninterruptedRun) {
  const nlohmann::json scenario = resumable_scenario();
  const fs::path file = write_json("resumable.json", scenario);
  // The uninterrupted run writes no checkpoint (the default interval is a minute), the
  // interrupted one one at every evaluation.
  const fs::path whole = dir_ / "whole", resumed = dir_ / "resumed";
  ASSERT_EQ(run("run " + file.string() + " -q --out " + whole.string()).exit_code, 0)
      << slurp(dir_ / "stderr.txt");

  const fs::path log = dir_ / "resumed.log";
  const std::set<std::string> killed =
      run_killing_each_algorithm("run " + file.string() + " --checkpoint-interval 0 --out " +
                                     resumed.string(),
                                 resumed, scenario, log);
  EXPECT_EQ(killed.size(), scenario["algorithms"].size()) << slurp(log);
  // Each resumed algorithm says so, once.
  std::istringstream lines(slurp(log));
  std::multiset<std::string> resumed_labels;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("resumed from") == std::string::npos) continue;
    for (const std::string& label : killed) {
      if (line.find("] " + label + " (") != std::string::npos) resumed_labels.insert(label);
    }
  }
  EXPECT_EQ(resumed_labels, std::multiset<std::string>(killed.begin(), killed.end()))
      << slurp(log);

  for (const std::string& label : labels_of(scenario)) {
    for (const std::string& f : kResultFiles) {
      const std::string expected = slurp(whole / label / f);
      EXPECT_FALSE(expected.empty()) << label << "/" << f;
      EXPECT_TRUE(slurp(resumed / label / f) == expected)
          << label << "/" << f << " differs from the uninterrupted run's";
    }
    EXPECT_FALSE(fs::exists(resumed / label / "checkpoint.pt")) << "left behind: " << label;
  }
  EXPECT_EQ(stable_manifest(resumed / "manifest.json"), stable_manifest(whole / "manifest.json"));
  const nlohmann::json manifest = nlohmann::json::parse(slurp(resumed / "manifest.json"));
  EXPECT_EQ(manifest["resumed_utc"].size(), killed.size());
  EXPECT_EQ(manifest["host_seconds"].size(), scenario["algorithms"].size());
}

TEST_F(ResumeTest, ResumeRefusesAnotherScenarioAndStartsWhereNothingRan) {
  nlohmann::json scenario = resumable_scenario();
  scenario["algorithms"] = {"sasg"};
  scenario["network"] = {{"backend", "analytic"}, {"bandwidth", "100Mbps"}};
  scenario["train"]["iterations"] = 20;
  const fs::path file = write_json("small.json", scenario);
  const fs::path out = dir_ / "out";
  CommandResult fresh = run("run " + file.string() + " --resume --out " + out.string());
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.err.find("no run in"), std::string::npos) << fresh.err;

  CommandResult other =
      run("run " + file.string() + " -q --resume --set workers=2 --out " + out.string());
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("another \"scenario\""), std::string::npos) << other.err;

  // A finished run resumed is left as it is.
  const std::string summary = slurp(out / "sasg" / "summary.json");
  CommandResult again = run("run " + file.string() + " -q --resume --out " + out.string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(slurp(out / "sasg" / "summary.json"), summary);
  EXPECT_NE(again.out.find("sasg"), std::string::npos) << again.out;
}

}  // namespace
