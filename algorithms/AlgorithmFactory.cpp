// make_algorithm: finds the entry of AlgorithmOptionTypes (Catalog.h) whose options the config
// holds and calls that algorithm's make_algorithm; and the Algorithm interface's defaults.
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "algorithms/Algorithm.h"
#include "algorithms/Catalog.h"

namespace sasgsim {
namespace {

template <typename... Options>
std::unique_ptr<Algorithm> make_one_of(const AlgorithmConfig& config, const AlgorithmSetup& setup,
                                       const std::tuple<Options...>*) {
  std::unique_ptr<Algorithm> made;
  auto try_one = [&](auto* tag) {
    using O = std::remove_pointer_t<decltype(tag)>;
    if (!made && config.options.type() == typeid(O)) made = make_algorithm(config.options_as<O>(), setup);
  };
  (try_one(static_cast<Options*>(nullptr)), ...);
  return made;
}

}  // namespace

const torch::Tensor* Algorithm::gradient_point(int /*worker*/) const { return nullptr; }

const torch::Tensor* Algorithm::auxiliary_point(int /*worker*/) const { return nullptr; }

void Algorithm::stage_worker(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old) {
  WorkerOutcome outcome = worker_step(worker, g_new, g_old);
  if (worker < 0) return;  // worker_step has already rejected it
  if (staged_.size() <= static_cast<size_t>(worker)) staged_.resize(static_cast<size_t>(worker) + 1);
  staged_[static_cast<size_t>(worker)] = outcome;
}

const std::vector<WorkerOutcome>& Algorithm::decide_workers() { return staged_; }

void Algorithm::stage_change(int /*worker*/, double /*change*/, const GradientSource& /*g_new*/) {
  throw std::logic_error("stage_change: this algorithm needs both gradients");
}

void Algorithm::stage_sum(const torch::Tensor& /*g_sum*/) {
  throw std::logic_error("stage_sum: this algorithm needs every worker's gradient");
}

std::unique_ptr<Algorithm> make_algorithm(const AlgorithmConfig& config,
                                          const AlgorithmSetup& setup) {
  std::unique_ptr<Algorithm> made =
      make_one_of(config, setup, static_cast<const AlgorithmOptionTypes*>(nullptr));
  if (!made) {
    throw std::invalid_argument("make_algorithm: \"" + config.label +
                                "\" holds options of no algorithm in AlgorithmOptionTypes");
  }
  return made;
}

}  // namespace sasgsim
