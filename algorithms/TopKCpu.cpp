#include "algorithms/TopKCpu.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

namespace sasgsim {
namespace {

// Larger magnitude first; equal magnitudes: smaller position first.
bool before(const std::pair<float, int64_t>& a, const std::pair<float, int64_t>& b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

float magnitude(float v) { return std::isnan(v) ? -1.0f : std::fabs(v); }

// Below this many entries, or when k is a large share of n, select among all entries.
constexpr int64_t kExactBelow = 16384;
constexpr int64_t kSampleSize = 8192;

}  // namespace

void TopKCpu::select_exact(const float* p, int64_t n, int64_t k, int64_t* out) {
  candidates_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) candidates_[static_cast<size_t>(i)] = {magnitude(p[i]), i};
  std::nth_element(candidates_.begin(), candidates_.begin() + (k - 1), candidates_.end(), before);
  for (int64_t i = 0; i < k; ++i) out[i] = candidates_[static_cast<size_t>(i)].second;
  std::sort(out, out + k);
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
  const int64_t stride = n / kSampleSize;
  sample_.resize(static_cast<size_t>(kSampleSize));
  for (int64_t i = 0; i < kSampleSize; ++i) sample_[static_cast<size_t>(i)] = magnitude(p[i * stride]);
  const int64_t wanted = std::min(n, 2 * k + 256);
  const int64_t rank = std::clamp<int64_t>(kSampleSize * wanted / n, 1, kSampleSize);
  std::nth_element(sample_.begin(), sample_.begin() + (rank - 1), sample_.end(),
                   std::greater<float>());
  const float tau = sample_[static_cast<size_t>(rank - 1)];

  // Every entry at least as large as the k-th largest is a candidate whenever at least k
  // entries reach tau, so selecting among candidates is exact, ties included. A zero tau
  // (mostly-zero vectors) admits only non-zeros, so candidates stay few.
  candidates_.clear();
  if (tau > 0.0f) {
    for (int64_t i = 0; i < n; ++i) {
      const float a = std::fabs(p[i]);
      if (a >= tau) candidates_.emplace_back(a, i);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const float a = std::fabs(p[i]);
      if (a > 0.0f) candidates_.emplace_back(a, i);
    }
  }
  if (static_cast<int64_t>(candidates_.size()) < k) {
    select_exact(p, n, k, out);  // the sample overestimated tau: rare
    return;
  }
  std::nth_element(candidates_.begin(), candidates_.begin() + (k - 1), candidates_.end(), before);
  for (int64_t i = 0; i < k; ++i) out[i] = candidates_[static_cast<size_t>(i)].second;
  std::sort(out, out + k);
}

}  // namespace sasgsim
