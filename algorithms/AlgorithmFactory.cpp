// make_algorithm: an explicit switch from AlgorithmKind to the concrete algorithm; and the
// Algorithm interface's default two-phase worker rule.
#include <stdexcept>
#include <string>

#include "algorithms/Algorithm.h"
#include "algorithms/Lasg.h"
#include "algorithms/Sasg.h"
#include "algorithms/Sgd.h"
#include "algorithms/Sparse.h"

namespace sasgsim {

void Algorithm::stage_worker(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old) {
  WorkerOutcome outcome = worker_step(worker, g_new, g_old);
  if (worker < 0) return;  // worker_step has already rejected it
  if (staged_.size() <= static_cast<size_t>(worker)) staged_.resize(static_cast<size_t>(worker) + 1);
  staged_[static_cast<size_t>(worker)] = outcome;
}

const std::vector<WorkerOutcome>& Algorithm::decide_workers() { return staged_; }

std::unique_ptr<Algorithm> make_algorithm(const AlgorithmOptions& options, int workers,
                                          const std::vector<TensorSlice>& slices,
                                          torch::Device device) {
  switch (options.kind) {
    case AlgorithmKind::kSgd:
      return std::make_unique<Sgd>(options, workers, slices, device);
    case AlgorithmKind::kSparse:
      return std::make_unique<Sparse>(options, workers, slices, device);
    case AlgorithmKind::kLasg:
      return std::make_unique<Lasg>(options, workers, slices, device);
    case AlgorithmKind::kSasg:
      return std::make_unique<Sasg>(options, workers, slices, device);
  }
  throw std::invalid_argument("make_algorithm: unknown AlgorithmKind " +
                              std::to_string(static_cast<int>(options.kind)));
}

}  // namespace sasgsim
