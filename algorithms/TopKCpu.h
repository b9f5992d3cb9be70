// Exact top-k by magnitude on the CPU, by selection: a strided sample estimates a threshold
// that admits about 1.5k candidates, one pass collects them, and nth_element picks the k
// largest among those. About 10x faster than LibTorch 1.13's CPU topk for k = 1% of 400k
// entries. With error feedback the accumulation e += message happens in the same pass.
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
  // e[i] += message[i] for every i in [0, n) (float32 sums, exactly as a separate add), then
  // select(e, n, k, out): one pass over e instead of two.
  void select_accumulated(float* e, const float* message, int64_t n, int64_t k, int64_t* out);

 private:
  // The values scanned are a[i], or a[i] + b[i] stored into sum[i] when b is given.
  struct Input {
    const float* a;
    const float* b;  // nullptr: no accumulation
    float* sum;      // where a + b goes (may be a itself)
  };
  void select_from(const Input& in, int64_t n, int64_t k, int64_t* out);
  // A threshold that about k + k/2 + 256 entries reach, from a sample of the values.
  float sampled_threshold(const Input& in, int64_t n, int64_t k);
  // Appends (|v|, i) for every value v at position i with |v| >= tau (> tau when strict) to
  // candidates_, storing the sums on the way.
  void collect(const Input& in, int64_t n, float tau, bool strict);
  void select_exact(const float* p, int64_t n, int64_t k, int64_t* out);
  void pick(int64_t k, int64_t* out);  // the k best candidates_ into out
  std::vector<float> sample_;
  std::vector<std::pair<float, int64_t>> candidates_;  // (|p|, position)
};

}  // namespace sasgsim
