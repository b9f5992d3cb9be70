// How the training set is split into one shard per worker (index lists into the training set).
// Torch-free and deterministic: every draw comes from a std::mt19937_64 seeded by the caller.
#pragma once

#include <cstdint>
#include <vector>

namespace sasgsim {

using Shards = std::vector<std::vector<int64_t>>;  // shard w = indices held by worker w

// A uniformly random permutation of 0..n-1 drawn from `seed`.
std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed);

// iid: one permutation (from `seed`) of the n samples offset..offset+n-1, cut into `parts`
// contiguous shards of floor(n / parts) samples each; the remainder is dropped.
Shards iid_shards(int64_t n, int parts, uint64_t seed, int64_t offset = 0);

// Dirichlet label skew: the samples are permuted (from `permutation_seed`), then for each class
// proportions p ~ Dir(alpha) over the workers (std::gamma_distribution on a std::mt19937_64
// seeded with `proportion_seed`) cut that class's indices at the cumulative proportions.
// Labels must lie in [0, classes). Shards may be of any size, including empty.
Shards dirichlet_shards(const std::vector<int64_t>& labels, int64_t classes, int workers,
                        double alpha, uint64_t permutation_seed, uint64_t proportion_seed);

}  // namespace sasgsim
