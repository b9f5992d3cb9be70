// SASG: LASG's lazy rule plus top-k with error feedback. On upload (warm-up, or the rule
// fires): p = lr * g_new + e_m; Delta_m = T_k(p); e_m = p - Delta_m; the server stores Delta_m
// sparse. On skip: e_m unchanged (the fresh gradient is dropped) and the server reuses the
// stored Delta_m. Server: theta <- theta - sum_m Delta_m.
#pragma once

#include <vector>

#include <torch/types.h>

#include "algorithms/LazyAlgorithm.h"
#include "algorithms/SasgOptions.h"
#include "algorithms/TopK.h"

namespace sasgsim {

class Sasg : public LazyAlgorithm {
 public:
  using Options = SasgOptions;

  Sasg(const SasgOptions& options, int workers, const std::vector<TensorSlice>& slices,
       torch::Device device);

  // kValueBytes * k of values and kIndexBytes * k of indices per worker whose sparse vector
  // the server holds.
  ServerMemory server_memory() const override;

  const torch::Tensor& error(int worker) const;           // e_m, flat [n]
  const torch::Tensor& stored_indices(int worker) const;  // int64 [k]
  const torch::Tensor& stored_values(int worker) const;   // float32 [k]

 private:
  // p = lr * g + e_m; Delta_m = T_k(p); e_m = p - Delta_m; the server stores Delta_m.
  void store_upload(int worker, const torch::Tensor& g_new, WorkerOutcome& out) override;
  void sum_stored(torch::Tensor& aggregate) override;

  TopK topk_;
  torch::Tensor errors_;                   // [M, n]
  std::vector<torch::Tensor> error_rows_;
  torch::Tensor stored_indices_;           // [M, k] int64
  torch::Tensor stored_values_;            // [M, k]
  std::vector<torch::Tensor> index_rows_;
  std::vector<torch::Tensor> value_rows_;
  torch::Tensor message_;                  // [n] lr * g of the current worker
};

}  // namespace sasgsim
