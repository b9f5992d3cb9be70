#include "sim/data/SeededRandom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

namespace sasgsim {
namespace {

TEST(SeededRandom, DerivedSeedsDependOnEveryCoordinate) {
  std::set<uint64_t> seeds;
  for (uint64_t seed : {0u, 1u, 42u})
    for (SeedStream s : {SeedStream::kPartition, SeedStream::kPass, SeedStream::kAugment})
      for (uint64_t w = 0; w < 4; ++w)
        for (uint64_t pass = 0; pass < 4; ++pass) seeds.insert(derive_seed(seed, s, {w, pass}));
  EXPECT_EQ(seeds.size(), 3u * 3u * 4u * 4u);
  EXPECT_EQ(derive_seed(42, SeedStream::kPass, {1, 2}), derive_seed(42, SeedStream::kPass, {1, 2}));
  EXPECT_NE(derive_seed(42, SeedStream::kPass, {1, 2}), derive_seed(42, SeedStream::kPass, {2, 1}));
}

TEST(SeededRandom, DerivedSeedsArePinned) {
  // Data order must not change between builds or platforms: pin the derivation.
  EXPECT_EQ(derive_seed(42, SeedStream::kPartition, {0}), 10772730929602851287ULL);
}

TEST(SeededRandom, UniformBelowStaysInRangeAndCoversIt) {
  std::mt19937_64 rng(5);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const uint64_t v = uniform_below(rng, 7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
  EXPECT_EQ(uniform_below(rng, 1), 0u);
  EXPECT_THROW(uniform_below(rng, 0), std::invalid_argument);
}

TEST(SeededRandom, UniformUnitStaysInZeroOneAndSpreadsEvenly) {
  std::mt19937_64 rng(7), twin(7);
  std::vector<int> deciles(10, 0);
  for (int i = 0; i < 10000; ++i) {
    const double u = uniform_unit(rng);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++deciles[static_cast<size_t>(u * 10.0)];
    EXPECT_EQ(u, static_cast<double>(twin() >> 11) / 9007199254740992.0);  // 2^53
  }
  for (int c : deciles) EXPECT_NEAR(c, 1000, 150);
}

TEST(SeededRandom, ShuffleIsADeterministicPermutation) {
  std::vector<int64_t> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  std::mt19937_64 ra(9), rb(9);
  shuffle_in_place(a.data(), 50, ra);
  shuffle_in_place(b.data(), 50, rb);
  EXPECT_EQ(a, b);
  std::vector<int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);
}

}  // namespace
}  // namespace sasgsim
