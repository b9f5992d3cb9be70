// LASG with the WK2 rule (dense, lazily aggregated): a worker uploads lr * g_new only when
// LazyRule says so; the server keeps each worker's last upload and applies
// theta <- theta - sum_m stored_m every iteration, reusing stale vectors (with the lr of
// their time) for workers that skipped.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/LasgOptions.h"
#include "algorithms/LazyAlgorithm.h"

namespace sasgsim {

class Lasg : public LazyAlgorithm {
 public:
  using Options = LasgOptions;

  Lasg(const LasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  // 4n bytes of values per worker whose vector the server holds (M * 4n after iteration 0).
  ServerMemory server_memory() const override;
  // The server's stored lr * g for `worker`, flat [n] (zeros before its first upload).
  const torch::Tensor& stored(int worker) const;

 private:
  void store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) override;
  void sum_stored(torch::Tensor& aggregate) override;

  torch::Tensor stored_;                  // [M, n]
  std::vector<torch::Tensor> stored_rows_;
};

}  // namespace sasgsim
