// Owns ns-3's process-global state (Simulator, Config defaults, RNG seed) for one simulation.
// At most one exists at a time; its destructor resets everything, so nothing leaks between
// simulations or tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// The ns-3 queue disc of network.queue_discipline ("ns3::FqCoDelQueueDisc", ...); empty for
// drop_tail, which uses none.
std::string queue_disc_type(QueueDisciplineKind kind);

class Ns3Globals {
 public:
  // Applies sasgsim's transport settings, then the scenario's raw ns3_attributes, as ns-3
  // Config defaults, and seeds ns-3's random streams from `seed`. Throws ScenarioError when a
  // setting is not accepted by ns-3 and std::logic_error when another instance is alive.
  Ns3Globals(const NetworkOptions& options, uint64_t seed);
  ~Ns3Globals();
  Ns3Globals(const Ns3Globals&) = delete;
  Ns3Globals& operator=(const Ns3Globals&) = delete;

  // Problems with the ns-3-specific settings (unknown congestion control, unknown attribute
  // names, values ns-3 cannot parse), each with its JSON path. Leaves no state behind.
  static std::vector<ScenarioIssue> check(const NetworkOptions& options);
};

}  // namespace sasgsim
