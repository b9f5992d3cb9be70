#include "algorithms/compressors/RandomK.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"
#include "tests/algorithms/compressors/CompressorTestSupport.h"

namespace sasgsim {
namespace {

using test::compressor_setup;
using test::decoded;
using test::same;
using test::to_vector;
using test::vec;

// n = 14 in two tensors: a = entries 0..9, b = entries 10..13.
const std::vector<TensorSlice> kSlices{{"a", 0, 10, {}}, {"b", 10, 4, {}}};

CompressorSetup setup_of(std::vector<TensorSlice> slices, uint64_t seed = 1, int workers = 2,
                         int slots = 1) {
  return compressor_setup(std::move(slices), workers, seed, slots);
}

CompressorOptions options_of(double density, bool unbiased = false,
                             TopkScope scope = TopkScope::kPerTensor) {
  CompressorOptions options;
  options.kind = CompressorKind::kRandomK;
  options.density = density;
  options.unbiased = unbiased;
  options.scope = scope;
  return options;
}

// p = (1, 2, ..., 14): every entry distinct and nonzero.
torch::Tensor ramp(int64_t n) { return torch::arange(1, n + 1, torch::kFloat32); }

// The positions of part [begin, end) of the message: distinct, ascending, inside [lo, hi).
void expect_part(const std::vector<int64_t>& idx, size_t begin, size_t end, int64_t lo,
                 int64_t hi) {
  for (size_t i = begin; i < end; ++i) {
    EXPECT_GE(idx[i], lo);
    EXPECT_LT(idx[i], hi);
    if (i > begin) {
      EXPECT_LT(idx[i - 1], idx[i]) << "ascending and distinct";
    }
  }
}

TEST(RandomK, HandWorkedCountsAndPayload) {
  // density 0.3: k_a = floor(3.0) = 3, k_b = max(1, floor(1.2)) = 1; k = 4.
  // wire 16 + 4 * (4 + 4) = 48.
  RandomK c(options_of(0.3), setup_of(kSlices));
  EXPECT_EQ(c.kept(), 4);
  const torch::Tensor p = ramp(14);
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 4);
  EXPECT_EQ(e.payload_bytes, 48);
  EXPECT_EQ(c.held(0).value_bytes, 16);
  EXPECT_EQ(c.held(0).index_bytes, 16);
  EXPECT_TRUE(same(p, ramp(14))) << "encode must not modify p";
}

TEST(RandomK, PositionsAreDistinctSortedAndInsideEachSlice) {
  RandomK c(options_of(0.3), setup_of(kSlices));
  const torch::Tensor p = ramp(14);
  for (int round = 0; round < 50; ++round) {
    c.encode(round % 2, p, 0);
    const std::vector<int64_t> idx = to_vector<int64_t>(c.indices(0));
    ASSERT_EQ(idx.size(), 4u);
    expect_part(idx, 0, 3, 0, 10);
    expect_part(idx, 3, 4, 10, 14);
    // Biased: the values are p at the positions (p_i = i + 1).
    const std::vector<float> values = to_vector<float>(c.values(0));
    for (size_t i = 0; i < idx.size(); ++i) EXPECT_EQ(values[i], static_cast<float>(idx[i] + 1));
  }
}

// The plain reference of the draws: the first k distinct values of batches of 2 (k - found) + 16
// uniform integers when 2k <= n, else the first k of a permutation; ascending.
torch::Tensor reference_positions(int64_t n, int64_t k, torch::Generator& gen) {
  if (2 * k > n) return test::sorted(torch::randperm(n, gen, torch::kInt64).narrow(0, 0, k));
  std::vector<int64_t> found;
  std::set<int64_t> seen;
  while (static_cast<int64_t>(found.size()) < k) {
    const int64_t batch = 2 * (k - static_cast<int64_t>(found.size())) + 16;
    for (const int64_t d : to_vector<int64_t>(torch::randint(n, {batch}, gen, torch::kInt64))) {
      if (static_cast<int64_t>(found.size()) < k && seen.insert(d).second) found.push_back(d);
    }
  }
  return test::sorted(torch::tensor(found, torch::kInt64));
}

TEST(RandomK, PositionsAreTheFirstKDistinctDrawsPerPart) {
  for (const double density : {0.3, 0.6}) {  // 0.6: a's k = 6 > 10 / 2 takes the permutation
    const CompressorSetup setup = setup_of(kSlices, /*seed=*/42);
    RandomK c(options_of(density), setup);
    torch::Generator gen = worker_generator(42, 1, RandomK::kStream, torch::kCPU);
    const int64_t ka = density == 0.3 ? 3 : 6, kb = density == 0.3 ? 1 : 2;
    for (int round = 0; round < 3; ++round) {
      c.encode(1, ramp(14), 0);
      const torch::Tensor a = reference_positions(10, ka, gen);
      const torch::Tensor b = reference_positions(4, kb, gen);
      EXPECT_TRUE(same(c.indices(0), torch::cat({a, b + 10}))) << "density " << density;
    }
  }
}

TEST(RandomK, UnbiasedScalesByTheInverseKeptFraction) {
  // Scalar reference from the sent positions: a's values times 10 / 3, b's times 4 / 1.
  RandomK c(options_of(0.3, /*unbiased=*/true), setup_of(kSlices));
  torch::manual_seed(5);
  const torch::Tensor p = torch::randn({14});
  const std::vector<float> pv = to_vector<float>(p);
  for (int round = 0; round < 10; ++round) {
    c.encode(0, p, 0);
    const std::vector<int64_t> idx = to_vector<int64_t>(c.indices(0));
    const std::vector<float> values = to_vector<float>(c.values(0));
    std::vector<float> expected(14, 0.0f);
    for (size_t i = 0; i < idx.size(); ++i) {
      const double scale = i < 3 ? 10.0 / 3.0 : 4.0;
      EXPECT_FLOAT_EQ(values[i], static_cast<float>(pv[idx[i]] * scale)) << "entry " << i;
      expected[idx[i]] = values[i];
    }
    EXPECT_TRUE(same(decoded(c, 0, 14), torch::tensor(expected, torch::kFloat32)));
  }
}

TEST(RandomK, UnbiasedIsUnbiasedOverManySeeds) {
  // decoded_i = p_i n/k with probability k/n, else 0: variance p_i^2 (n/k - 1). Over N seeds
  // the mean is within 4 standard errors of p_i; unscaled it would be 0.3 p_i (a), 0.25 p_i (b).
  const int trials = 3000;
  const torch::Tensor p =
      vec({1.f, -2.f, 3.f, -4.f, 5.f, 6.f, -7.f, 8.f, 9.f, 10.f, 1.f, -2.f, 3.f, 4.f});
  torch::Tensor sum = torch::zeros({14});
  for (int seed = 0; seed < trials; ++seed) {
    RandomK c(options_of(0.3, /*unbiased=*/true),
              setup_of(kSlices, static_cast<uint64_t>(seed), /*workers=*/1));
    c.encode(0, p, 0);
    c.add_decoded(0, sum);
  }
  const std::vector<float> mean = to_vector<float>(sum / trials);
  const std::vector<float> pv = to_vector<float>(p);
  for (size_t i = 0; i < 14; ++i) {
    const double inverse_fraction = i < 10 ? 10.0 / 3.0 : 4.0;
    const double se = std::fabs(pv[i]) * std::sqrt((inverse_fraction - 1.0) / trials);
    EXPECT_NEAR(mean[i], pv[i], 4.0 * se) << "entry " << i;
  }
}

TEST(RandomK, PositionsAreUniform) {
  // Each position of a is kept with probability 3/10, of b with 1/4; over N encodes the counts
  // are within 4 standard deviations of N k_l / n_l.
  const int trials = 4000;
  RandomK c(options_of(0.3), setup_of(kSlices));
  std::vector<int> count(14, 0);
  for (int t = 0; t < trials; ++t) {
    c.encode(0, ramp(14), 0);
    for (const int64_t i : to_vector<int64_t>(c.indices(0))) ++count[static_cast<size_t>(i)];
  }
  for (size_t i = 0; i < 14; ++i) {
    const double q = i < 10 ? 0.3 : 0.25;
    EXPECT_NEAR(count[i], trials * q, 4.0 * std::sqrt(trials * q * (1.0 - q))) << "position " << i;
  }
}

TEST(RandomK, GlobalScopeDrawsOverTheWholeVector) {
  // k = floor(0.3 * 14) = 4 over [0, 14): how many land in b varies from draw to draw.
  RandomK c(options_of(0.3, false, TopkScope::kGlobal), setup_of(kSlices));
  EXPECT_EQ(c.kept(), 4);
  std::set<int64_t> in_b_counts;
  for (int round = 0; round < 200; ++round) {
    EXPECT_EQ(c.encode(0, ramp(14), 0).payload_bytes, 48);
    const std::vector<int64_t> idx = to_vector<int64_t>(c.indices(0));
    expect_part(idx, 0, 4, 0, 14);
    int64_t in_b = 0;
    for (const int64_t i : idx) in_b += i >= 10 ? 1 : 0;
    in_b_counts.insert(in_b);
  }
  EXPECT_GE(in_b_counts.size(), 3u);
}

TEST(RandomK, GlobalUnbiasedScalesByTheWholeFraction) {
  RandomK c(options_of(0.3, true, TopkScope::kGlobal), setup_of(kSlices));
  c.encode(0, ramp(14), 0);
  const std::vector<int64_t> idx = to_vector<int64_t>(c.indices(0));
  const std::vector<float> values = to_vector<float>(c.values(0));
  for (size_t i = 0; i < idx.size(); ++i) {
    EXPECT_FLOAT_EQ(values[i], static_cast<float>((idx[i] + 1) * 14.0 / 4.0));
  }
}

TEST(RandomK, FullDensityUnbiasedSendsP) {
  RandomK c(options_of(1.0, true), setup_of(kSlices));
  torch::manual_seed(1);
  const torch::Tensor p = torch::randn({14});
  EXPECT_EQ(c.encode(0, p, 0).payload_bytes, 16 + 8 * 14);
  EXPECT_TRUE(same(c.indices(0), torch::arange(14, torch::kInt64)));
  EXPECT_TRUE(same(decoded(c, 0, 14), p));
}

TEST(RandomK, ErrorFeedbackUnscaledZeroesTheSentEntries) {
  RandomK c(options_of(0.3), setup_of(kSlices));
  const torch::Tensor p = ramp(14);
  torch::Tensor e = p.clone();
  c.encode(0, e, 0);
  c.subtract_decoded(0, e);
  std::vector<float> expected = to_vector<float>(p);
  for (const int64_t i : to_vector<int64_t>(c.indices(0))) expected[static_cast<size_t>(i)] = 0.0f;
  EXPECT_TRUE(same(e, torch::tensor(expected, torch::kFloat32)));
  EXPECT_TRUE(same(e, p - decoded(c, 0, 14)));
}

TEST(RandomK, ErrorFeedbackScaledSubtractsTheScaledValues) {
  // e = p - decoded: at a kept position of a, p_i - p_i 10/3 = -7/3 p_i, not 0.
  RandomK c(options_of(0.3, /*unbiased=*/true), setup_of(kSlices));
  const torch::Tensor p = ramp(14);
  torch::Tensor e = p.clone();
  c.encode(0, e, 0);
  c.subtract_decoded(0, e);
  const std::vector<int64_t> idx = to_vector<int64_t>(c.indices(0));
  std::vector<float> expected = to_vector<float>(p);
  for (size_t i = 0; i < idx.size(); ++i) {
    const auto at = static_cast<size_t>(idx[i]);
    expected[at] -= static_cast<float>(expected[at] * (i < 3 ? 10.0 / 3.0 : 4.0));
    EXPECT_NE(expected[at], 0.0f);
  }
  const std::vector<float> actual = to_vector<float>(e);
  for (size_t i = 0; i < 14; ++i) EXPECT_FLOAT_EQ(actual[i], expected[i]) << "entry " << i;
  EXPECT_TRUE(same(e, p - decoded(c, 0, 14)));
  torch::Tensor out = torch::ones({14});
  c.add_decoded(0, out);
  EXPECT_TRUE(same(out, 1.0f + decoded(c, 0, 14)));
}

TEST(RandomK, SeedsAndWorkersGiveTheirOwnDraws) {
  const std::vector<TensorSlice> slices{{"w", 0, 1000, {}}};
  const torch::Tensor p = ramp(1000);
  auto draw = [&](uint64_t seed, int worker) {
    RandomK c(options_of(0.05), setup_of(slices, seed, 3));
    c.encode(worker, p, 0);
    return c.indices(0).clone();
  };
  EXPECT_TRUE(same(draw(7, 1), draw(7, 1)));
  EXPECT_FALSE(torch::equal(draw(7, 1), draw(7, 2)));
  EXPECT_FALSE(torch::equal(draw(7, 1), draw(8, 1)));
  // Successive encodes of one worker differ too.
  RandomK c(options_of(0.05), setup_of(slices, 7, 3));
  c.encode(0, p, 0);
  const torch::Tensor first = c.indices(0).clone();
  c.encode(0, p, 0);
  EXPECT_FALSE(torch::equal(first, c.indices(0)));
}

TEST(RandomK, SlotsAreIndependent) {
  RandomK c(options_of(0.3), setup_of(kSlices, 1, 2, /*slots=*/2));
  c.encode(0, ramp(14), 0);
  const torch::Tensor slot0 = decoded(c, 0, 14);
  c.encode(1, -ramp(14), 1);
  EXPECT_TRUE(same(decoded(c, 0, 14), slot0));
  EXPECT_LT(decoded(c, 1, 14).sum().item<float>(), 0.0f);
}

TEST(RandomK, RejectsBadOptionsAndInput) {
  const CompressorSetup setup = setup_of(kSlices);
  EXPECT_THROW(RandomK(options_of(0.0), setup), std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(-0.1), setup), std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(1.5), setup), std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(std::nan("")), setup), std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(0.3, false, static_cast<TopkScope>(7)), setup),
               std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(0.3), setup_of(kSlices, 1, /*workers=*/0)),
               std::invalid_argument);
  EXPECT_THROW(RandomK(options_of(0.3), setup_of({{"a", 0, 3, {}}, {"b", 2, 3, {}}})),
               std::invalid_argument);
  RandomK c(options_of(0.3), setup);
  EXPECT_THROW(c.encode(2, ramp(14), 0), std::logic_error);
  EXPECT_THROW(c.encode(-1, ramp(14), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, ramp(13), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, ramp(14), 1), std::logic_error);
  EXPECT_DOUBLE_EQ(c.cost(), RandomK::kCost);
}

}  // namespace
}  // namespace sasgsim
