// The simulated compute time of each iteration, under the scenario's compute model: every
// worker is charged for what its algorithm had it compute (gradients, compressions), at its own
// speed; each upload starts when its worker is done, and the synchronous server waits for the
// slowest worker before the next iteration.
#pragma once

#include <chrono>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class TrainingData;

class ComputeClock {
 public:
  // `numel`: the model's parameter count (a top-k selection's cost grows with it).
  ComputeClock(const Scenario& scenario, const TrainingData& data, int64_t numel,
               torch::Device device);

  void begin_iteration();
  // Brackets worker m's computation in this iteration (timed with compute model "measured").
  void begin_worker(int worker);
  void end_worker(int worker);
  // One gradient computed by worker m (charged with "fixed" and "flops").
  void gradient(int worker);
  // Brackets work done for all workers at once (measured: shared equally): a batched
  // gradient pass, the algorithm's decisions.
  void begin_shared();
  void end_shared();
  // Each worker's compute time in the iteration, its compressions charged: when its upload
  // can start, seconds from the iteration's start.
  std::vector<double> worker_seconds(const std::vector<WorkerOutcome>& outcomes) const;

 private:
  using Clock = std::chrono::steady_clock;
  double seconds_since(Clock::time_point start) const;

  const ComputeOptions& options_;
  torch::Device device_;
  bool measured_;
  double gradient_s_ = 0.0;  // modelled seconds of one gradient at speed 1
  double topk_s_ = 0.0;      // modelled seconds of one top-k selection at speed 1
  std::vector<double> worker_s_;
  double shared_s_ = 0.0;  // per worker
  Clock::time_point start_{};
};

}  // namespace sasgsim
