#include "algorithms/compressors/Threshold.h"

#include <cmath>
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
using test::ivec;
using test::same;
using test::to_vector;
using test::vec;

CompressorSetup setup_of(std::vector<TensorSlice> slices, int slots = 1) {
  return compressor_setup(std::move(slices), 1, 0, slots);
}

CompressorOptions options_of(double threshold) {
  CompressorOptions options;
  options.kind = CompressorKind::kThreshold;
  options.threshold = threshold;
  return options;
}

// Scalar reference: the positions with |p_i| > threshold (compared in double), ascending.
std::vector<int64_t> reference_positions(const std::vector<float>& p, double threshold) {
  std::vector<int64_t> kept;
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::fabs(static_cast<double>(p[i])) > threshold) kept.push_back(static_cast<int64_t>(i));
  }
  return kept;
}

TEST(Threshold, HandWorkedKeepsStrictlyLargerMagnitudes) {
  // threshold 0.5 on a = (0.5, -0.7, 0.2, 1.0), b = (-0.5, -2.0): |p| > 0.5 at 1, 3, 5 (the
  // entries equal to 0.5 are not kept). k = 3; wire 16 + 3 * 8 = 40.
  Threshold c(options_of(0.5), setup_of({{"a", 0, 4, {}}, {"b", 4, 2, {}}}));
  const torch::Tensor p = vec({0.5f, -0.7f, 0.2f, 1.0f, -0.5f, -2.0f});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 3);
  EXPECT_EQ(e.payload_bytes, 40);
  EXPECT_TRUE(same(c.indices(0), ivec({1, 3, 5})));
  EXPECT_TRUE(same(c.values(0), vec({-0.7f, 1.0f, -2.0f})));
  EXPECT_TRUE(same(decoded(c, 0, 6), vec({0.f, -0.7f, 0.f, 1.0f, 0.f, -2.0f})));
  EXPECT_EQ(c.held(0).value_bytes, 12);
  EXPECT_EQ(c.held(0).index_bytes, 12);
  EXPECT_TRUE(same(p, vec({0.5f, -0.7f, 0.2f, 1.0f, -0.5f, -2.0f}))) << "must not modify p";
}

TEST(Threshold, AnEmptyMessageIsTheHeaderAlone) {
  Threshold c(options_of(1.0), setup_of({{"a", 0, 4, {}}}));
  const torch::Tensor p = vec({1.0f, -1.0f, 0.5f, 0.f});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 0);
  EXPECT_EQ(e.payload_bytes, 16);
  EXPECT_TRUE(same(decoded(c, 0, 4), torch::zeros({4})));
  EXPECT_EQ(c.held(0).value_bytes, 0);
  EXPECT_EQ(c.held(0).index_bytes, 0);
  torch::Tensor err = p.clone();
  c.subtract_decoded(0, err);
  EXPECT_TRUE(same(err, p));
}

TEST(Threshold, ComparesExactlyAgainstAThresholdThatIsNoFloat) {
  // 0.001 is no float32: float(0.001) = 0.0010000000475 > 0.001 is kept, the float below it
  // (0.00099999993) is not. Comparing against float(0.001) would drop the first.
  const float above = 0.001f;
  const float below = std::nextafter(0.001f, 0.0f);
  ASSERT_GT(static_cast<double>(above), 0.001);
  ASSERT_LT(static_cast<double>(below), 0.001);
  Threshold c(options_of(0.001), setup_of({{"a", 0, 4, {}}}));
  c.encode(0, vec({above, below, -above, -below}), 0);
  EXPECT_TRUE(same(c.indices(0), ivec({0, 2})));
}

TEST(Threshold, MatchesTheScalarReference) {
  const std::vector<TensorSlice> slices{{"a", 0, 300, {}}, {"b", 300, 1, {}}, {"c", 301, 700, {}}};
  Threshold c(options_of(0.8), setup_of(slices));
  torch::manual_seed(3);
  const torch::Tensor p = torch::randn({1001});
  const std::vector<float> pv = to_vector(p);
  const std::vector<int64_t> expected = reference_positions(pv, 0.8);
  ASSERT_GT(expected.size(), 100u);
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(e.payload_bytes, 16 + 8 * static_cast<int64_t>(expected.size()));
  EXPECT_TRUE(same(c.indices(0), torch::tensor(expected, torch::kInt64)));
  std::vector<float> expected_decoded(pv.size(), 0.0f);
  for (const int64_t i : expected) {
    expected_decoded[static_cast<size_t>(i)] = pv[static_cast<size_t>(i)];
  }
  EXPECT_TRUE(same(decoded(c, 0, 1001), torch::tensor(expected_decoded, torch::kFloat32)));
}

TEST(Threshold, GrowsBeyondTheInitialCapacity) {
  const int64_t n = 3 * Threshold::kInitialCapacity + 5;
  Threshold c(options_of(0.1), setup_of({{"a", 0, n, {}}}, /*slots=*/2));
  const torch::Tensor p = torch::linspace(1.0, 2.0, n);
  c.encode(0, torch::zeros({n}), 1);  // an empty message in slot 1
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, n);
  EXPECT_EQ(e.payload_bytes, 16 + 8 * n);
  EXPECT_TRUE(same(decoded(c, 0, n), p));
  EXPECT_TRUE(same(decoded(c, 1, n), torch::zeros({n})));
  // A smaller message replaces the large one.
  torch::Tensor small = torch::zeros({n});
  small[7] = 5.0f;
  EXPECT_EQ(c.encode(0, small, 0).values, 1);
  EXPECT_TRUE(same(decoded(c, 0, n), small));
}

TEST(Threshold, ErrorFeedbackZeroesTheSentEntries) {
  Threshold c(options_of(1.0), setup_of({{"a", 0, 3, {}}, {"b", 3, 3, {}}}));
  const torch::Tensor p = vec({0.3f, -1.5f, 2.f, -0.9f, 1.0f, 7.f});
  torch::Tensor e = p.clone();
  c.encode(0, e, 0);
  c.subtract_decoded(0, e);
  EXPECT_TRUE(same(e, vec({0.3f, 0.f, 0.f, -0.9f, 1.0f, 0.f})));
  EXPECT_TRUE(same(e, p - decoded(c, 0, 6)));
  torch::Tensor out = torch::ones({6});
  c.add_decoded(0, out);
  EXPECT_TRUE(same(out, vec({1.f, -0.5f, 3.f, 1.f, 1.f, 8.f})));
}

TEST(Threshold, IsDeterministicAndIndependentOfWorkerAndSeed) {
  CompressorSetup other = setup_of({{"a", 0, 5, {}}});
  other.seed = 5;
  other.workers = 3;
  Threshold c(options_of(0.5), setup_of({{"a", 0, 5, {}}}));
  Threshold d(options_of(0.5), other);
  const torch::Tensor p = vec({1.f, -0.2f, 0.6f, -4.f, 0.5f});
  c.encode(0, p, 0);
  d.encode(2, p, 0);
  EXPECT_TRUE(same(c.indices(0), d.indices(0)));
  EXPECT_TRUE(same(c.values(0), d.values(0)));
}

TEST(Threshold, RejectsBadOptionsAndInput) {
  const CompressorSetup setup = setup_of({{"a", 0, 3, {}}});
  EXPECT_THROW(Threshold(options_of(0.0), setup), std::invalid_argument);
  EXPECT_THROW(Threshold(options_of(-1.0), setup), std::invalid_argument);
  EXPECT_THROW(Threshold(options_of(std::nan("")), setup), std::invalid_argument);
  EXPECT_THROW(Threshold(options_of(INFINITY), setup), std::invalid_argument);
  EXPECT_THROW(Threshold(options_of(0.1), setup_of({{"a", 1, 3, {}}})), std::invalid_argument);
  Threshold c(options_of(0.1), setup);
  EXPECT_DOUBLE_EQ(c.threshold(), 0.1);
  EXPECT_THROW(c.encode(0, torch::zeros({4}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({3}), 1), std::logic_error);
  EXPECT_DOUBLE_EQ(c.cost(), Threshold::kCost);
}

}  // namespace
}  // namespace sasgsim
