// SASG, the shortcut for lazy + topk + error feedback (rules/LazyAlgorithm.h). On upload
// (warm-up, or the rule fires): p = lr * g_new + e_m; Delta_m = T_k(p); e_m = p - Delta_m; the
// server stores Delta_m sparse. On skip: e_m unchanged (the fresh gradient is dropped) and the
// server reuses the stored Delta_m. Server: theta <- theta - sum_m Delta_m.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/SasgOptions.h"
#include "algorithms/compressors/TopKCompressor.h"
#include "algorithms/rules/LazyAlgorithm.h"

namespace sasgsim {

class Sasg : public LazyAlgorithm {
 public:
  using Options = SasgOptions;

  Sasg(const SasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  const torch::Tensor& stored_indices(int worker) const;  // int64 [k]
  const torch::Tensor& stored_values(int worker) const;   // float32 [k]

 private:
  const TopKCompressor& topk() const { return static_cast<const TopKCompressor&>(compressor()); }
};

}  // namespace sasgsim
