// libFuzzer harness of the scenario parser and the --set overrides (scripts/fuzz.sh builds and
// runs it). An input is what `sasgsim validate FILE --set A --set B ...` is given: the file's
// text, then each assignment after a NUL byte (NUL ends a command-line argument, so no
// assignment holds one):
//
//   <scenario JSON> \0 <KEY=VALUE> \0 <KEY=VALUE> ...
//
// An empty scenario part followed by assignments stands for a fixed valid scenario
// (scenarios/quickstart.json), so that assignments alone are fuzzed against a document that
// otherwise passes.
//
// ScenarioError and UsageError are the expected answers to bad input. Any other exception, an
// abort, a sanitizer report or a hang is a bug. A scenario that passes must also survive what the
// program does next with it: its resolved form is written as JSON (the run's manifest) and
// parses back to the same scenario (ScenarioParser.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"
#include "sim/scenario/JsonFile.h"
#include "sim/scenario/ScenarioParser.h"

namespace {

// The input stands in for a file next to the paper's scenarios, so that their
// "../profiles/paper_testbed.json" network include finds the shipped profile (the only file
// read while fuzzing).
const std::string kSource = SASGSIM_SOURCE_DIR "/scenarios/paper/fuzz-input.json";
std::string base_text;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_scenario: %s\n", what.c_str());
  std::abort();
}

void check_resolved(const sasgsim::Scenario& scenario) {
  // Strict, as the manifest writer dumps it: a string that is not UTF-8 throws here.
  const std::string manifest = scenario.resolved.dump(2);
  sasgsim::Scenario again;
  try {
    again = sasgsim::parse_scenario(scenario.resolved, "resolved");
  } catch (const sasgsim::ScenarioError& e) {
    fail("the resolved scenario does not parse back:\n" + std::string(e.what()) + "\n" + manifest);
  }
  if (again.resolved != scenario.resolved) {
    fail("parsing the resolved scenario changed it:\n" + manifest + "\nbecame\n" +
         again.resolved.dump(2));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  base_text = sasgsim::read_scenario_text(SASGSIM_SOURCE_DIR "/scenarios/quickstart.json");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t end = input.find('\0');
  std::string text = input.substr(0, end);
  std::vector<std::string> overrides;
  while (end != std::string::npos) {
    const size_t start = end + 1;
    end = input.find('\0', start);
    overrides.push_back(input.substr(start, end == std::string::npos ? end : end - start));
  }
  if (text.empty() && !overrides.empty()) text = base_text;
  try {
    check_resolved(sasgsim::load_scenario_text(text, kSource, overrides));
  } catch (const sasgsim::ScenarioError&) {
  } catch (const sasgsim::UsageError&) {
  }
  return 0;
}
