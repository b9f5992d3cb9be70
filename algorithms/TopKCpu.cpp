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

}  // namespace

void TopKCpu::select_exact(const float* p, int64_t n, int64_t k, int64_t* out) {
  candidates_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) candidates_[static_cast<size_t>(i)] = {magnitude(p[i]), i};
  std::nth_element(candidates_.begin(), candidates_.begin() + (k - 1), candidates_.end(), before);
  for (int64_t i = 0; i < k; ++i) out[i] = candidates_[static_cast<size_t>(i)].second;
}

void TopKCpu::collect(const float* p, int64_t n, float tau, bool strict) {
  const auto admit = [tau, strict](float a) { return strict ? a > tau : a >= tau; };
  int64_t i = 0;
#ifdef __SSE2__
  // 16 entries per step with SSE2 compares; candidates are rare, so almost every step ends
  // after one movemask test.
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  const __m128 threshold = _mm_set1_ps(tau);
  for (; i + 16 <= n; i += 16) {
    __m128 hits = _mm_setzero_ps();
    for (int j = 0; j < 16; j += 4) {
      const __m128 a = _mm_and_ps(_mm_loadu_ps(p + i + j), abs_mask);
      hits = _mm_or_ps(hits, strict ? _mm_cmpgt_ps(a, threshold) : _mm_cmpge_ps(a, threshold));
    }
    if (_mm_movemask_ps(hits) == 0) continue;
    for (int64_t j = i; j < i + 16; ++j) {
      const float a = std::fabs(p[j]);
      if (admit(a)) candidates_.emplace_back(a, j);
    }
  }
#endif
  for (; i < n; ++i) {
    const float a = std::fabs(p[i]);
    if (admit(a)) candidates_.emplace_back(a, i);
  }
}

void TopKCpu::select(const float* p, int64_t n, int64_t k, int64_t* out) {
  if (k < 1 || k > n) {
    throw std::logic_error("TopKCpu::select: k = " + std::to_string(k) + " outside [1, " +
                           std::to_string(n) + "]");
  }
  if (n < kExactBelow || 8 * k > n) {
    select_exact(p, n, k, out);
    return;
  }
  // Threshold tau from a strided sample: about `wanted` entries of p should reach it.
  // Positions follow a Weyl sequence rather than a fixed stride: a stride can alias with a
  // tensor's row length (784 = 8 x 98 for MNIST's first layer) and sample one always-zero
  // input pixel over and over.
  sample_.resize(static_cast<size_t>(kSampleSize));
  const auto step = static_cast<int64_t>(0.6180339887498949 * static_cast<double>(n));
  int64_t position = 0;
  for (int64_t i = 0; i < kSampleSize; ++i) {
    sample_[static_cast<size_t>(i)] = magnitude(p[position]);
    position += step;
    if (position >= n) position -= n;
  }
  const int64_t wanted = std::min(n, k + k / 2 + 256);
  const int64_t rank = std::clamp<int64_t>(kSampleSize * wanted / n, 1, kSampleSize);
  std::nth_element(sample_.begin(), sample_.begin() + (rank - 1), sample_.end(),
                   std::greater<float>());
  const float tau = sample_[static_cast<size_t>(rank - 1)];

  // Every entry at least as large as the k-th largest is a candidate whenever at least k
  // entries reach tau, so selecting among candidates is exact, ties included. A zero tau
  // (mostly-zero vectors) admits only non-zeros, so candidates stay few.
  candidates_.clear();
  collect(p, n, tau, /*strict=*/!(tau > 0.0f));
  if (static_cast<int64_t>(candidates_.size()) < k) {
    select_exact(p, n, k, out);  // the sample overestimated tau: rare
    return;
  }
  std::nth_element(candidates_.begin(), candidates_.begin() + (k - 1), candidates_.end(), before);
  for (int64_t i = 0; i < k; ++i) out[i] = candidates_[static_cast<size_t>(i)].second;
}

}  // namespace sasgsim
