// The learning-rate schedule in iterations: constant, or multiplied by gamma at each epoch
// milestone. Also gives the lagged rate (one epoch behind) used by the CIFAR threshold form.
#pragma once

#include <cstdint>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

class LearningRate {
 public:
  LearningRate(const TrainOptions& options, int64_t iterations_per_epoch);
  // alpha at iteration t (epoch = floor(t / iterations_per_epoch)).
  double at(int64_t iteration) const;
  // alpha one epoch behind the schedule: the rate of epoch max(0, epoch - 1).
  double lagged(int64_t iteration) const;

 private:
  double at_epoch(int64_t epoch) const;
  TrainOptions options_;
  int64_t iterations_per_epoch_;
};

}  // namespace sasgsim
