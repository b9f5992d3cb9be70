#include "algorithms/compressors/SignSgd.h"

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
using test::same;
using test::to_vector;
using test::vec;

CompressorSetup setup_of(std::vector<TensorSlice> slices, int slots = 1) {
  return compressor_setup(std::move(slices), 2, 0, slots);
}

// Scalar reference: per slice scale = sum |p| / n (in double, rounded to float), decoded =
// scale * (p >= 0 ? +1 : -1).
std::vector<float> reference(const std::vector<float>& p, const std::vector<TensorSlice>& slices) {
  std::vector<float> out(p.size());
  for (const TensorSlice& s : slices) {
    double sum = 0.0;
    for (int64_t i = s.offset; i < s.offset + s.numel; ++i) sum += std::fabs(p[i]);
    const auto scale = static_cast<float>(sum / static_cast<double>(s.numel));
    for (int64_t i = s.offset; i < s.offset + s.numel; ++i) out[i] = p[i] >= 0.0f ? scale : -scale;
  }
  return out;
}

TEST(SignSgd, HandWorkedTwoTensors) {
  // a = (1, -2, 0): scale 3 / 3 = 1; b = (4): scale 4. sign(0) = +1.
  // decoded (1, -1, 1, 4); wire 16 + 2 scales * 4 + ceil(4 bits / 8) = 16 + 8 + 1 = 25.
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 3, {}}, {"b", 3, 1, {}}}));
  const torch::Tensor p = vec({1.f, -2.f, 0.f, 4.f});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 4);
  EXPECT_EQ(e.payload_bytes, 25);
  EXPECT_TRUE(same(decoded(c, 0, 4), vec({1.f, -1.f, 1.f, 4.f})));
  EXPECT_TRUE(same(p, vec({1.f, -2.f, 0.f, 4.f}))) << "encode must not modify p";
  EXPECT_EQ(c.held(0).value_bytes, 16);
  EXPECT_EQ(c.held(0).index_bytes, 0);
}

TEST(SignSgd, HandWorkedOneTensorOfNineEntries) {
  // sum |p| = 4 + 2 + 0 + 6 + 1 + 1 + 1 + 0 + 3 = 18, scale 18 / 9 = 2.
  // wire 16 + 4 + ceil(9 / 8) = 16 + 4 + 2 = 22.
  SignSgd c(CompressorOptions{}, setup_of({{"w", 0, 9, {}}}));
  const Encoded e = c.encode(0, vec({4.f, -2.f, 0.f, -6.f, 1.f, 1.f, -1.f, 0.f, 3.f}), 0);
  EXPECT_EQ(e.values, 9);
  EXPECT_EQ(e.payload_bytes, 22);
  EXPECT_TRUE(same(decoded(c, 0, 9), vec({2.f, -2.f, 2.f, -2.f, 2.f, 2.f, -2.f, 2.f, 2.f})));
}

TEST(SignSgd, SignBitsArePackedOverTheWholeMessage) {
  // Three tensors of 3 entries: 9 bits -> 2 bytes once (not 1 byte per tensor = 3).
  // wire 16 + 3 * 4 + 2 = 30. Scales: a = (3 + 3 + 3) / 3 = 3.
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 3, {}}, {"b", 3, 3, {}}, {"c", 6, 3, {}}}));
  const Encoded e = c.encode(1, vec({3.f, -3.f, 3.f, -1.f, -2.f, -3.f, 0.f, 0.f, 0.f}), 0);
  EXPECT_EQ(e.payload_bytes, 30);
  // b: (1 + 2 + 3) / 3 = 2, all negative; c: all zero -> scale 0 (and +0 sign).
  EXPECT_TRUE(same(decoded(c, 0, 9), vec({3.f, -3.f, 3.f, -2.f, -2.f, -2.f, 0.f, 0.f, 0.f})));
}

TEST(SignSgd, MatchesTheScalarReference) {
  const std::vector<TensorSlice> slices{
      {"a", 0, 37, {}}, {"b", 37, 1, {}}, {"c", 38, 500, {}}, {"d", 538, 64, {}}};
  SignSgd c(CompressorOptions{}, setup_of(slices));
  torch::manual_seed(7);
  torch::Tensor p = torch::randn({602}) * torch::rand({602}) * 10.0;
  p.narrow(0, 40, 20).zero_();  // zeros decode to +scale
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.payload_bytes, 16 + 4 * 4 + (602 + 7) / 8);
  const std::vector<float> expected = reference(to_vector(p), slices);
  const std::vector<float> actual = to_vector(decoded(c, 0, 602));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-5f * std::fabs(expected[i])) << "entry " << i;
    EXPECT_EQ(std::signbit(actual[i]), std::signbit(expected[i])) << "entry " << i;
  }
}

TEST(SignSgd, ErrorFeedbackKeepsWhatTheMessageDidNotCarry) {
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 3, {}}, {"b", 3, 3, {}}}));
  const torch::Tensor p = vec({0.5f, -1.5f, 0.f, 2.f, 3.f, -4.f});
  torch::Tensor e = p.clone();
  c.encode(0, e, 0);
  c.subtract_decoded(0, e);
  // scale_a = 2 / 3, scale_b = 3: e = p - (2/3, -2/3, 2/3, 3, 3, -3).
  const float a = 2.0f / 3.0f;
  EXPECT_TRUE(torch::allclose(e, vec({0.5f - a, -1.5f + a, -a, -1.f, 0.f, -1.f})));
  EXPECT_TRUE(same(e, p - decoded(c, 0, 6)));
  torch::Tensor out = torch::ones({6});
  c.add_decoded(0, out);
  EXPECT_TRUE(same(out, 1.0f + decoded(c, 0, 6)));
}

TEST(SignSgd, SlotsAreIndependentAndReplaced) {
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 2, {}}}, /*slots=*/2));
  c.encode(0, vec({1.f, -3.f}), 0);
  c.encode(1, vec({-4.f, 0.f}), 1);
  EXPECT_TRUE(same(decoded(c, 0, 2), vec({2.f, -2.f})));
  EXPECT_TRUE(same(decoded(c, 1, 2), vec({-2.f, 2.f})));
  c.encode(0, vec({0.f, 0.f}), 0);
  EXPECT_TRUE(same(decoded(c, 0, 2), vec({0.f, 0.f})));
  EXPECT_THROW(c.encode(0, vec({1.f, 1.f}), 2), std::logic_error);
}

TEST(SignSgd, IsDeterministicAndIndependentOfWorkerAndSeed) {
  CompressorSetup other = setup_of({{"a", 0, 5, {}}});
  other.seed = 99;
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 5, {}}}));
  SignSgd d(CompressorOptions{}, other);
  const torch::Tensor p = vec({1.f, -2.f, 3.f, -4.f, 5.f});
  c.encode(0, p, 0);
  d.encode(1, p, 0);
  EXPECT_TRUE(same(decoded(c, 0, 5), decoded(d, 0, 5)));
}

TEST(SignSgd, RejectsBadSetupAndInput) {
  EXPECT_THROW(SignSgd(CompressorOptions{}, setup_of({})), std::invalid_argument);
  EXPECT_THROW(SignSgd(CompressorOptions{}, setup_of({{"a", 0, 2, {}}, {"b", 3, 2, {}}})),
               std::invalid_argument);
  SignSgd c(CompressorOptions{}, setup_of({{"a", 0, 3, {}}}));
  EXPECT_THROW(c.encode(0, torch::zeros({4}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({3}, torch::kFloat64), 0), std::logic_error);
  EXPECT_DOUBLE_EQ(c.cost(), SignSgd::kCost);
}

}  // namespace
}  // namespace sasgsim
