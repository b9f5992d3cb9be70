// LASG with the WK2 rule, the shortcut for lazy + identity (rules/LazyAlgorithm.h): a worker
// uploads lr * g_new only when LazyRule says so; the server keeps each worker's last upload and
// applies theta <- theta - sum_m stored_m every iteration, reusing stale vectors (with the lr of
// their time) for workers that skipped.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/LasgOptions.h"
#include "algorithms/rules/LazyAlgorithm.h"

namespace sasgsim {

class Lasg : public LazyAlgorithm {
 public:
  using Options = LasgOptions;

  Lasg(const LasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  // The server's stored lr * g for `worker`, flat [n] (zeros before its first upload).
  const torch::Tensor& stored(int worker) const;
};

}  // namespace sasgsim
