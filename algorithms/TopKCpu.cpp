#include "algorithms/TopKCpu.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sasgsim {
namespace {

// Larger magnitude first; equal magnitudes: smaller position first.
bool before(const std::pair<float, int64_t>& a, const std::pair<float, int64_t>& b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

float magnitude(float v) { return std::isnan(v) ? -1.0f : std::fabs(v); }

// Below this many entries, or when k is a large share of n, select among all entries.
constexpr int64_t kExactBelow = 16384;
constexpr int64_t kSampleSize = 4096;

bool exact_only(int64_t n, int64_t k) { return n < kExactBelow || 8 * k > n; }

void check_k(int64_t n, int64_t k) {
  if (k < 1 || k > n) {
    throw std::logic_error("TopKCpu::select: k = " + std::to_string(k) + " outside [1, " +
                           std::to_string(n) + "]");
  }
}

}  // namespace

void TopKCpu::select(const float* p, int64_t n, int64_t k, int64_t* out) {
  check_k(n, k);
  if (exact_only(n, k)) return select_exact(p, n, k, out);
  select_from(Input{p, nullptr, nullptr}, n, k, out);
}

void TopKCpu::select_accumulated(float* e, const float* message, int64_t n, int64_t k,
                                 int64_t* out) {
  check_k(n, k);
  if (exact_only(n, k)) {
    for (int64_t i = 0; i < n; ++i) e[i] += message[i];
    return select_exact(e, n, k, out);
  }
  select_from(Input{e, message, e}, n, k, out);
}

void TopKCpu::select_from(const Input& in, int64_t n, int64_t k, int64_t* out) {
  const float tau = sampled_threshold(in, n, k);
  // Every entry at least as large as the k-th largest is a candidate whenever at least k
  // entries reach tau, so selecting among candidates is exact, ties included. A zero tau
  // (mostly-zero vectors) admits only non-zeros, so candidates stay few.
  candidates_.clear();
  collect(in, n, tau, /*strict=*/!(tau > 0.0f));
  const float* values = in.b ? in.sum : in.a;  // complete now
  if (static_cast<int64_t>(candidates_.size()) < k) {
    return select_exact(values, n, k, out);  // the sample overestimated tau: rare
  }
  pick(k, out);
}

// Positions follow a Weyl sequence rather than a fixed stride: a stride can alias with a
// tensor's row length (784 = 8 x 98 for MNIST's first layer) and sample one always-zero input
// pixel over and over.
float TopKCpu::sampled_threshold(const Input& in, int64_t n, int64_t k) {
  sample_.resize(static_cast<size_t>(kSampleSize));
  const auto step = static_cast<int64_t>(0.6180339887498949 * static_cast<double>(n));
  int64_t position = 0;
  for (int64_t i = 0; i < kSampleSize; ++i) {
    const float v = in.b ? in.a[position] + in.b[position] : in.a[position];
    sample_[static_cast<size_t>(i)] = magnitude(v);
    position += step;
    if (position >= n) position -= n;
  }
  const int64_t wanted = std::min(n, k + k / 2 + 256);
  const int64_t rank = std::clamp<int64_t>(kSampleSize * wanted / n, 1, kSampleSize);
  std::nth_element(sample_.begin(), sample_.begin() + (rank - 1), sample_.end(),
                   std::greater<float>());
  return sample_[static_cast<size_t>(rank - 1)];
}

void TopKCpu::collect(const Input& in, int64_t n, float tau, bool strict) {
  const float* values = in.b ? in.sum : in.a;
  int64_t i = 0;
#ifdef __SSE2__
  // 16 entries per step with SSE2 compares; candidates are rare, so almost every step ends
  // after one mask test, and a step with hits visits only the set bits of its mask.
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  const __m128 threshold = _mm_set1_ps(tau);
  for (; i + 16 <= n; i += 16) {
    int hits = 0;
    for (int j = 0; j < 16; j += 4) {
      __m128 v = _mm_loadu_ps(in.a + i + j);
      if (in.b) {
        v = _mm_add_ps(v, _mm_loadu_ps(in.b + i + j));
        _mm_storeu_ps(in.sum + i + j, v);
      }
      const __m128 a = _mm_and_ps(v, abs_mask);
      hits |= _mm_movemask_ps(strict ? _mm_cmpgt_ps(a, threshold) : _mm_cmpge_ps(a, threshold))
              << j;
    }
    while (hits != 0) {
      const int64_t j = i + __builtin_ctz(static_cast<unsigned>(hits));
      candidates_.emplace_back(std::fabs(values[j]), j);
      hits &= hits - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    if (in.b) in.sum[i] = in.a[i] + in.b[i];
    const float a = std::fabs(values[i]);
    if (strict ? a > tau : a >= tau) candidates_.emplace_back(a, i);
  }
}

void TopKCpu::select_exact(const float* p, int64_t n, int64_t k, int64_t* out) {
  candidates_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) candidates_[static_cast<size_t>(i)] = {magnitude(p[i]), i};
  pick(k, out);
}

void TopKCpu::pick(int64_t k, int64_t* out) {
  std::nth_element(candidates_.begin(), candidates_.begin() + (k - 1), candidates_.end(), before);
  for (int64_t i = 0; i < k; ++i) out[i] = candidates_[static_cast<size_t>(i)].second;
}

}  // namespace sasgsim
