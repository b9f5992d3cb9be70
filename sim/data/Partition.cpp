#include "sim/data/Partition.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "sim/data/SeededRandom.h"

namespace sasgsim {

std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed) {
  if (n < 0) throw std::invalid_argument("seeded_permutation: negative size " + std::to_string(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::mt19937_64 rng(seed);
  shuffle_in_place(order.data(), n, rng);
  return order;
}

Shards iid_shards(int64_t n, int parts, uint64_t seed, int64_t offset) {
  if (parts < 1) throw std::invalid_argument("iid_shards: parts must be >= 1, got " + std::to_string(parts));
  const std::vector<int64_t> order = seeded_permutation(n, seed);
  const int64_t per_shard = n / parts;
  Shards shards(static_cast<size_t>(parts));
  for (int w = 0; w < parts; ++w) {
    auto begin = order.begin() + static_cast<std::ptrdiff_t>(w * per_shard);
    shards[w].assign(begin, begin + static_cast<std::ptrdiff_t>(per_shard));
    for (int64_t& i : shards[w]) i += offset;
  }
  return shards;
}

Shards dirichlet_shards(const std::vector<int64_t>& labels, int64_t classes, int workers,
                        double alpha, uint64_t permutation_seed, uint64_t proportion_seed) {
  if (workers < 1) throw std::invalid_argument("dirichlet_shards: workers must be >= 1");
  if (!(alpha > 0.0) || !std::isfinite(alpha)) {
    throw std::invalid_argument("dirichlet_shards: alpha must be positive and finite");
  }
  const auto n = static_cast<int64_t>(labels.size());
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(classes));
  for (int64_t i : seeded_permutation(n, permutation_seed)) {
    const int64_t c = labels[static_cast<size_t>(i)];
    if (c < 0 || c >= classes) {
      throw std::invalid_argument("dirichlet_shards: label " + std::to_string(c) +
                                  " outside [0, " + std::to_string(classes) + ")");
    }
    by_class[static_cast<size_t>(c)].push_back(i);
  }

  std::mt19937_64 rng(proportion_seed);
  std::gamma_distribution<double> gamma(alpha, 1.0);
  Shards shards(static_cast<size_t>(workers));
  std::vector<double> p(static_cast<size_t>(workers));
  for (const std::vector<int64_t>& members : by_class) {
    double total = 0.0;
    for (double& x : p) total += (x = gamma(rng));
    if (!(total > 0.0)) {
      // Tiny alpha can underflow every draw to 0: the limit of Dir(alpha) is one worker taking all.
      std::fill(p.begin(), p.end(), 0.0);
      p[uniform_below(rng, static_cast<uint64_t>(workers))] = 1.0;
      total = 1.0;
    }
    const auto count = static_cast<int64_t>(members.size());
    double cumulative = 0.0;
    int64_t start = 0;
    for (int w = 0; w < workers; ++w) {
      cumulative += p[w] / total;
      int64_t cut = w == workers - 1
                        ? count
                        : static_cast<int64_t>(std::floor(cumulative * static_cast<double>(count)));
      cut = std::min(std::max(cut, start), count);
      shards[w].insert(shards[w].end(), members.begin() + static_cast<std::ptrdiff_t>(start),
                       members.begin() + static_cast<std::ptrdiff_t>(cut));
      start = cut;
    }
  }
  return shards;
}

}  // namespace sasgsim
