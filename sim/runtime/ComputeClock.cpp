#include "sim/runtime/ComputeClock.h"

#include <algorithm>

#include <torch/cuda.h>

#include "models/Model.h"
#include "sim/data/TrainingData.h"

namespace sasgsim {

ComputeClock::ComputeClock(const Scenario& scenario, const TrainingData& data, int64_t numel,
                           torch::Device device)
    : options_(scenario.compute),
      device_(device),
      measured_(scenario.compute.model == ComputeModelKind::kMeasured),
      worker_s_(static_cast<size_t>(scenario.workers), 0.0) {
  if (options_.model == ComputeModelKind::kFixed) {
    gradient_s_ = options_.batch_time_s;
    topk_s_ = options_.topk_time_s;
  } else if (options_.model == ComputeModelKind::kFlops) {
    // A backward pass costs about twice a forward one.
    const double forward = static_cast<double>(
        forward_flops_per_sample(scenario.model, data.input_shape(), data.classes()));
    gradient_s_ = 3.0 * forward * static_cast<double>(scenario.data.batch_size) /
                  options_.device_flops;
    topk_s_ = options_.topk_flops_per_element * static_cast<double>(numel) / options_.device_flops;
  }
}

double ComputeClock::seconds_since(Clock::time_point start) const {
  // On a GPU the work is queued asynchronously: wait for it before reading the clock.
  if (device_.is_cuda()) torch::cuda::synchronize();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void ComputeClock::begin_iteration() {
  std::fill(worker_s_.begin(), worker_s_.end(), 0.0);
  shared_s_ = 0.0;
}

void ComputeClock::begin_worker(int /*worker*/) {
  if (!measured_) return;
  if (device_.is_cuda()) torch::cuda::synchronize();
  start_ = Clock::now();
}

void ComputeClock::end_worker(int worker) {
  if (measured_) worker_s_[static_cast<size_t>(worker)] = seconds_since(start_);
}

void ComputeClock::gradient(int worker) {
  if (!measured_) worker_s_[static_cast<size_t>(worker)] += gradient_s_;
}

void ComputeClock::begin_shared() {
  if (!measured_) return;
  if (device_.is_cuda()) torch::cuda::synchronize();
  start_ = Clock::now();
}

void ComputeClock::end_shared() {
  if (measured_) shared_s_ += seconds_since(start_) / static_cast<double>(worker_s_.size());
}

std::vector<double> ComputeClock::worker_seconds(const std::vector<WorkerOutcome>& outcomes) const {
  std::vector<double> seconds(worker_s_.size());
  for (size_t m = 0; m < worker_s_.size(); ++m) {
    // measured: the compressions are inside the timed span already.
    const double compress_s = measured_ ? 0.0 : topk_s_ * outcomes[m].compression_cost;
    seconds[m] = (worker_s_[m] + shared_s_ + compress_s) / options_.speed_of(static_cast<int>(m));
  }
  return seconds;
}

}  // namespace sasgsim
