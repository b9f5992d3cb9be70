#include "sim/data/SeededRandom.h"

#include <stdexcept>
#include <utility>

namespace sasgsim {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t derive_seed(uint64_t seed, SeedStream stream, std::initializer_list<uint64_t> parts) {
  uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ splitmix64(static_cast<uint64_t>(stream)));
  for (uint64_t p : parts) h = splitmix64(h ^ splitmix64(p));
  return h;
}

uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound) {
  if (bound == 0) throw std::invalid_argument("uniform_below: bound must be positive");
  // Reject the lowest (2^64 mod bound) values so every residue is equally likely.
  const uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const uint64_t r = rng();
    if (r >= threshold) return r % bound;
  }
}

double uniform_unit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

void shuffle_in_place(int64_t* values, int64_t count, std::mt19937_64& rng) {
  for (int64_t i = count - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(uniform_below(rng, static_cast<uint64_t>(i) + 1));
    std::swap(values[i], values[j]);
  }
}

}  // namespace sasgsim
