#include "sim/runtime/LearningRate.h"

#include <algorithm>
#include <stdexcept>

namespace sasgsim {

LearningRate::LearningRate(const TrainOptions& options, int64_t iterations_per_epoch)
    : options_(options), iterations_per_epoch_(iterations_per_epoch) {
  if (iterations_per_epoch_ < 1) {
    throw std::logic_error("LearningRate: iterations_per_epoch must be >= 1");
  }
}

double LearningRate::at_epoch(int64_t epoch) const {
  double lr = options_.lr;
  if (options_.lr_schedule.kind == LrScheduleKind::kStep) {
    for (double milestone : options_.lr_schedule.milestones_epochs) {
      if (static_cast<double>(epoch) >= milestone) lr *= options_.lr_schedule.gamma;
    }
  }
  return lr;
}

double LearningRate::at(int64_t iteration) const {
  return at_epoch(iteration / iterations_per_epoch_);
}

double LearningRate::lagged(int64_t iteration) const {
  return at_epoch(std::max<int64_t>(0, iteration / iterations_per_epoch_ - 1));
}

}  // namespace sasgsim
