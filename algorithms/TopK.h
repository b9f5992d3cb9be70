// The top-k operator T_k of SPEC-algorithms.md: keep the entries of largest absolute value,
// zero the rest, no rescaling. Per tensor (default): k_l = max(1, floor(h * n_l)) in each
// parameter slice; global: k = max(1, floor(h * n)) over the flattened vector.
// Selection: on the CPU, TopKCpu (exact; ties to the smaller position); on other devices
// torch::topk(|p|, k, 0, largest, unsorted).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/TopKCpu.h"
#include "models/FlatParameters.h"
#include "algorithms/TopKOptions.h"

namespace sasgsim {

class TopK {
 public:
  // density h in (0, 1]; slices must tile [0, n) (see FlatParameters::slices()); scratch
  // buffers live on `device`. Throws std::invalid_argument otherwise.
  TopK(const std::vector<TensorSlice>& slices, double density, TopkScope scope,
       torch::Device device);

  // max(1, floor(density * numel)), the double-precision product truncated as Python's int().
  static int64_t kept_count(double density, int64_t numel);

  int64_t numel() const { return numel_; }  // n
  int64_t kept() const { return kept_; }    // k in total (sum of k_l for per-tensor scope)

  // Selects T_k(p) for a flat float32 p [n] without modifying it: writes the flat positions
  // of the kept entries into `indices` (int64 [kept()], grouped by slice in slice order,
  // unordered inside a slice) and p at those positions into `values` (float32 [kept()]).
  // Both outputs must be preallocated on p's device (views into larger buffers are fine).
  void select(const torch::Tensor& p, const torch::Tensor& indices, const torch::Tensor& values);
  // (Not const: the CPU path reuses its scratch buffers.)

  // Error feedback (Sparse, SASG): e <- p = e + message; T_k(p) into indices/values;
  // e <- p - T_k(p), i.e. p with the kept positions zeroed. On the CPU in one pass over e, with
  // the same float32 sums as e.add_(message).
  void select_with_feedback(torch::Tensor& e, const torch::Tensor& message,
                            const torch::Tensor& indices, const torch::Tensor& values);

 private:
  struct Part {
    int64_t offset;      // first entry of the part in p
    int64_t numel;       // entries of the part
    int64_t kept;        // entries kept from it
    int64_t out_offset;  // where its selections start in the outputs
  };
  void check_input(const torch::Tensor& p, const torch::Tensor& indices,
                   const torch::Tensor& values) const;
  // Whether the selection runs on the host (TopKCpu).
  static bool on_host(const torch::Tensor& p, const torch::Tensor& indices);
  // select_part(part, where) for every part, writing the part's positions (relative to the
  // part) at `where`, then shifted to flat positions.
  template <class SelectPart>
  void select_parts(const torch::Tensor& indices, SelectPart select_part);

  std::vector<Part> parts_;
  int64_t numel_ = 0;
  int64_t kept_ = 0;
  torch::Tensor abs_;      // [n] scratch: |p|
  torch::Tensor top_abs_;  // [kept] scratch: topk's value output
  TopKCpu cpu_;
};

}  // namespace sasgsim
