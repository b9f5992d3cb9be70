#include "sim/data/Partition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

namespace sasgsim {
namespace {

TEST(Partition, SeededPermutationIsAPermutation) {
  std::vector<int64_t> p = seeded_permutation(100, 3);
  EXPECT_EQ(p, seeded_permutation(100, 3));
  EXPECT_NE(p, seeded_permutation(100, 4));
  std::sort(p.begin(), p.end());
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(p[i], i);
  EXPECT_TRUE(seeded_permutation(0, 1).empty());
}

TEST(Partition, SeededPermutationIsPinned) {
  // The data order must be the same on every platform and LibTorch version.
  EXPECT_EQ(seeded_permutation(10, 42), (std::vector<int64_t>{1, 7, 9, 0, 3, 8, 4, 2, 5, 6}));
}

TEST(Partition, IidShardsAreEqualDisjointAndDropTheRemainder) {
  const Shards shards = iid_shards(1007, 10, 1, 20);
  ASSERT_EQ(shards.size(), 10u);
  std::set<int64_t> all;
  for (const auto& s : shards) {
    EXPECT_EQ(s.size(), 100u);
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(all.size(), 1000u);
  EXPECT_GE(*all.begin(), 20);
  EXPECT_LT(*all.rbegin(), 1027);
  EXPECT_EQ(shards, iid_shards(1007, 10, 1, 20));
  EXPECT_NE(shards, iid_shards(1007, 10, 2, 20));
}

TEST(Partition, IidShardsAreContiguousPiecesOfOnePermutation) {
  const std::vector<int64_t> order = seeded_permutation(30, 8);
  const Shards shards = iid_shards(30, 3, 8);
  for (size_t w = 0; w < 3; ++w) {
    EXPECT_TRUE(std::equal(shards[w].begin(), shards[w].end(), order.begin() + 10 * w));
  }
}

std::vector<int64_t> balanced_labels(int64_t n, int64_t classes) {
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) labels[i] = i % classes;
  return labels;
}

// Mean over workers of the largest class's share of the worker's shard.
double mean_top_class_share(const Shards& shards, const std::vector<int64_t>& labels) {
  double total = 0.0;
  int counted = 0;
  for (const auto& s : shards) {
    if (s.empty()) continue;
    std::vector<int> counts(10, 0);
    for (int64_t i : s) ++counts[labels[i]];
    total += static_cast<double>(*std::max_element(counts.begin(), counts.end())) / s.size();
    ++counted;
  }
  return total / counted;
}

TEST(Partition, DirichletCoversEveryIndexOnce) {
  const std::vector<int64_t> labels = balanced_labels(1000, 10);
  const Shards shards = dirichlet_shards(labels, 10, 7, 0.5, 1, 2);
  ASSERT_EQ(shards.size(), 7u);
  std::vector<int64_t> all;
  for (const auto& s : shards) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 1000u);
  for (int64_t i = 0; i < 1000; ++i) EXPECT_EQ(all[i], i);
}

TEST(Partition, DirichletSkewFollowsAlpha) {
  const std::vector<int64_t> labels = balanced_labels(5000, 10);
  const double skewed = mean_top_class_share(dirichlet_shards(labels, 10, 10, 0.05, 1, 2), labels);
  const double even = mean_top_class_share(dirichlet_shards(labels, 10, 10, 1000.0, 1, 2), labels);
  EXPECT_GT(skewed, 0.6);
  EXPECT_LT(even, 0.2);
}

TEST(Partition, DirichletIsDeterministic) {
  const std::vector<int64_t> labels = balanced_labels(500, 10);
  const Shards a = dirichlet_shards(labels, 10, 5, 0.3, 4, 5);
  EXPECT_EQ(a, dirichlet_shards(labels, 10, 5, 0.3, 4, 5));
  EXPECT_NE(a, dirichlet_shards(labels, 10, 5, 0.3, 4, 6));
}

TEST(Partition, DirichletRejectsBadArguments) {
  const std::vector<int64_t> labels = balanced_labels(20, 10);
  EXPECT_THROW(dirichlet_shards(labels, 10, 5, 0.0, 1, 2), std::invalid_argument);
  EXPECT_THROW(dirichlet_shards(labels, 5, 5, 1.0, 1, 2), std::invalid_argument);
  EXPECT_THROW(dirichlet_shards(labels, 10, 0, 1.0, 1, 2), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
