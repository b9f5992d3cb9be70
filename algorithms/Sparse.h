// Sparse (baseline), the shortcut for always + topk + error feedback (rules/AlwaysSend.h).
// Every worker, every iteration: p = lr * g + e_m; Delta_m = T_k(p); e_m = p - Delta_m; upload
// Delta_m (values + indices). Server: theta <- theta - sum_m Delta_m.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/SparseOptions.h"
#include "algorithms/compressors/TopKCompressor.h"
#include "algorithms/rules/AlwaysSend.h"

namespace sasgsim {

class Sparse : public AlwaysSend {
 public:
  using Options = SparseOptions;

  Sparse(const SparseOptions& options, int workers, const std::vector<TensorSlice>& slices,
         torch::Device device);

  // The last upload's kept positions and values (valid until the next worker_step).
  const torch::Tensor& last_indices() const { return topk().indices(0); }
  const torch::Tensor& last_values() const { return topk().values(0); }

 private:
  const TopKCompressor& topk() const { return static_cast<const TopKCompressor&>(compressor()); }
};

}  // namespace sasgsim
