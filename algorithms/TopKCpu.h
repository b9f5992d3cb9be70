// Exact top-k by magnitude on the CPU, by selection: a strided sample estimates a threshold
// that admits about 2k candidates, one pass collects them, and nth_element picks the k largest
// among those. About 10x faster than LibTorch 1.13's CPU topk for k = 1% of 400k entries.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace sasgsim {

class TopKCpu {
 public:
  // Writes to out[0..k) the positions (0-based, in no particular but deterministic order) of
  // the k entries of p[0..n) with the largest |p|; ties go to the smaller position. NaN
  // entries count as smaller than every number. Requires 1 <= k <= n.
  void select(const float* p, int64_t n, int64_t k, int64_t* out);

 private:
  // Appends (|p[i]|, i) for every i with |p[i]| >= tau (> tau when strict) to candidates_.
  void collect(const float* p, int64_t n, float tau, bool strict);
  void select_exact(const float* p, int64_t n, int64_t k, int64_t* out);
  std::vector<float> sample_;
  std::vector<std::pair<float, int64_t>> candidates_;  // (|p|, position)
};

}  // namespace sasgsim
