// Seed derivation and shuffling that depend only on the C++ standard (std::mt19937_64 and
// our own bounded draw), so data order is identical across LibTorch versions and platforms.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>

namespace sasgsim {

// Stream names mixed into derived seeds, so unrelated uses of one seed never share numbers.
enum class SeedStream : uint64_t {
  kPartition = 1,  // the training-set permutation(s) behind the shards
  kDirichlet = 2,  // Dirichlet proportions of the label-skew partition
  kPass = 3,       // a worker's reshuffle of its shard at the start of a pass
  kAugment = 4,    // a worker's crop offsets, flips and rotations during a pass
  kSynthetic = 5,  // the synthetic dataset of data.second under by_dataset
};

// A well-mixed 64-bit seed from the run's seed, a stream and further coordinates
// (worker, pass, ...); splitmix64-based.
uint64_t derive_seed(uint64_t seed, SeedStream stream, std::initializer_list<uint64_t> parts = {});

// Uniform integer in [0, bound) without modulo bias; bound must be > 0.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound);

// Uniform double in [0, 1) from the generator's top 53 bits (std::uniform_real_distribution
// is implementation-defined, this is not).
double uniform_unit(std::mt19937_64& rng);

// Fisher-Yates shuffle of values[0..count) in place.
void shuffle_in_place(int64_t* values, int64_t count, std::mt19937_64& rng);

}  // namespace sasgsim
