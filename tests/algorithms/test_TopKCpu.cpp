#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "algorithms/TopKCpu.h"

namespace sasgsim {
namespace {

// Reference: full sort by (|p| descending, position ascending), first k positions, ascending.
std::vector<int64_t> reference(const std::vector<float>& p, int64_t k) {
  std::vector<int64_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return std::fabs(p[a]) > std::fabs(p[b]); });
  std::vector<int64_t> top(order.begin(), order.begin() + k);
  std::sort(top.begin(), top.end());
  return top;
}

std::vector<int64_t> select(const std::vector<float>& p, int64_t k) {
  TopKCpu topk;
  std::vector<int64_t> out(static_cast<size_t>(k), -1);
  topk.select(p.data(), static_cast<int64_t>(p.size()), k, out.data());
  std::sort(out.begin(), out.end());  // the order of the positions is unspecified
  return out;
}

TEST(TopKCpu, HandWorkedSmallVector) {
  // |p| = 0.5 3 1 3 2: the two largest are the 3s at positions 1 and 3.
  EXPECT_EQ(select({0.5f, -3.0f, 1.0f, 3.0f, 2.0f}, 2), (std::vector<int64_t>{1, 3}));
  // Ties at the boundary go to the smaller position: 3 and then the first 2.
  EXPECT_EQ(select({2.0f, -3.0f, 2.0f, -2.0f}, 2), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(select({7.0f}, 1), (std::vector<int64_t>{0}));
}

TEST(TopKCpu, MatchesReferenceOnLargeRandomVectors) {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int64_t n : {100, 20000, 401408, 1000003}) {
    std::vector<float> p(static_cast<size_t>(n));
    for (float& v : p) v = normal(rng);
    for (int64_t k : {int64_t{1}, n / 100, n / 10}) {
      if (k < 1) continue;
      EXPECT_EQ(select(p, k), reference(p, k)) << "n=" << n << " k=" << k;
    }
  }
}

TEST(TopKCpu, ExactWithManyTiesAndZeros) {
  // Mostly zeros, a few repeated magnitudes: the sampled threshold is 0 or hits ties.
  std::vector<float> p(50000, 0.0f);
  for (size_t i = 0; i < p.size(); i += 97) p[i] = (i % 2 ? -1.0f : 1.0f);
  for (size_t i = 13; i < p.size(); i += 1001) p[i] = 2.0f;
  for (int64_t k : {10, 500, 600, 5000}) {
    EXPECT_EQ(select(p, k), reference(p, k)) << "k=" << k;
  }
  // Quantised values: many exact ties everywhere.
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<int> level(-4, 4);
  std::vector<float> q(200000);
  for (float& v : q) v = static_cast<float>(level(rng));
  EXPECT_EQ(select(q, 2000), reference(q, 2000));
}

// select_accumulated(e, m) leaves e exactly as a separate float32 add would and selects what
// select() selects on the sum, on the sampled path (large n), the exact one (small n), with a
// tail that is not a multiple of the 16-entry step, and with ties from quantised sums.
TEST(TopKCpu, AccumulatedSelectionEqualsAddThenSelect) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> level(-3, 3);
  for (int64_t n : {int64_t{37}, int64_t{16383}, int64_t{401408}, int64_t{100007}}) {
    for (bool quantised : {false, true}) {
      std::vector<float> e(static_cast<size_t>(n)), m(e.size());
      for (size_t i = 0; i < e.size(); ++i) {
        e[i] = quantised ? static_cast<float>(level(rng)) : normal(rng);
        m[i] = quantised ? static_cast<float>(level(rng)) : 0.01f * normal(rng);
      }
      std::vector<float> sum(e.size());
      for (size_t i = 0; i < e.size(); ++i) sum[i] = e[i] + m[i];
      const int64_t k = std::max<int64_t>(1, n / 100);
      TopKCpu topk;
      std::vector<int64_t> out(static_cast<size_t>(k), -1);
      topk.select_accumulated(e.data(), m.data(), n, k, out.data());
      std::sort(out.begin(), out.end());
      EXPECT_EQ(e, sum) << "n=" << n;
      EXPECT_EQ(out, select(sum, k)) << "n=" << n << " quantised=" << quantised;
      EXPECT_EQ(out, reference(sum, k)) << "n=" << n << " quantised=" << quantised;
    }
  }
}

TEST(TopKCpu, RejectsBadK) {
  std::vector<float> p{1.0f, 2.0f};
  TopKCpu topk;
  int64_t out[3];
  EXPECT_THROW(topk.select(p.data(), 2, 0, out), std::logic_error);
  EXPECT_THROW(topk.select(p.data(), 2, 3, out), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
