#include "algorithms/compressors/TernGrad.h"

#include <algorithm>
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

CompressorSetup setup_of(std::vector<TensorSlice> slices, uint64_t seed = 1, int workers = 2,
                         int slots = 1) {
  return compressor_setup(std::move(slices), workers, seed, slots);
}

torch::Tensor ternarized(const torch::Tensor& p, const torch::Tensor& u,
                         const std::vector<TensorSlice>& slices) {
  torch::Tensor out = torch::full({p.numel()}, 123.0f);
  TernGrad::ternarize(p, u, slices, out);
  return out;
}

// Scalar reference: s = max |p| per slice; keep where u < |p| / s (float division);
// decoded = s * sign(p) if kept, else 0; all zero when s = 0.
std::vector<float> reference(const std::vector<float>& p, const std::vector<float>& u,
                             const std::vector<TensorSlice>& slices) {
  std::vector<float> out(p.size(), 0.0f);
  for (const TensorSlice& s : slices) {
    float scale = 0.0f;
    for (int64_t i = s.offset; i < s.offset + s.numel; ++i) {
      scale = std::max(scale, std::fabs(p[i]));
    }
    if (scale == 0.0f) continue;
    for (int64_t i = s.offset; i < s.offset + s.numel; ++i) {
      if (u[i] < std::fabs(p[i]) / scale) out[i] = p[i] > 0.0f ? scale : -scale;
    }
  }
  return out;
}

const std::vector<TensorSlice> kSlices{{"a", 0, 4, {}}, {"b", 4, 2, {}}};

TEST(TernGrad, HandWorkedWithGivenDraws) {
  // a = (0.5, -1, 0.25, 0): s_a = 1, |p| / s = (0.5, 1, 0.25, 0);
  // b = (-2, 1): s_b = 2, |p| / s = (1, 0.5).
  // u = (0.4, 0.99, 0.3, 0, 0.999, 0.5): kept where u < ratio: 0.4 < 0.5 yes, 0.99 < 1 yes,
  // 0.3 < 0.25 no, 0 < 0 no, 0.999 < 1 yes, 0.5 < 0.5 no (strict).
  // decoded (1, -1, 0, 0, -2, 0).
  const torch::Tensor p = vec({0.5f, -1.f, 0.25f, 0.f, -2.f, 1.f});
  const torch::Tensor u = vec({0.4f, 0.99f, 0.3f, 0.f, 0.999f, 0.5f});
  EXPECT_TRUE(same(ternarized(p, u, kSlices), vec({1.f, -1.f, 0.f, 0.f, -2.f, 0.f})));
  // u = (0.49, 0, 0.2, 0.9, 0, 0.4): (1, -1, 1, 0, -2, 2).
  EXPECT_TRUE(same(ternarized(p, vec({0.49f, 0.f, 0.2f, 0.9f, 0.f, 0.4f}), kSlices),
                   vec({1.f, -1.f, 1.f, 0.f, -2.f, 2.f})));
  EXPECT_TRUE(same(p, vec({0.5f, -1.f, 0.25f, 0.f, -2.f, 1.f}))) << "must not modify p";
}

TEST(TernGrad, HandWorkedPayload) {
  // n = 6, 2 tensors: 16 + 2 * 4 + ceil(12 bits / 8) = 16 + 8 + 2 = 26.
  TernGrad c(CompressorOptions{}, setup_of(kSlices));
  const Encoded e = c.encode(0, vec({0.5f, -1.f, 0.25f, 0.f, -2.f, 1.f}), 0);
  EXPECT_EQ(e.values, 6);
  EXPECT_EQ(e.payload_bytes, 26);
  EXPECT_EQ(c.held(0).value_bytes, 24);
  EXPECT_EQ(c.held(0).index_bytes, 0);
  // Two tensors of 5: 20 bits -> 3 bytes once (2 + 2 = 4 if rounded per tensor): 16 + 8 + 3.
  TernGrad d(CompressorOptions{}, setup_of({{"a", 0, 5, {}}, {"b", 5, 5, {}}}));
  EXPECT_EQ(d.encode(1, torch::ones({10}), 0).payload_bytes, 27);
}

TEST(TernGrad, AllZeroTensorDecodesToZero) {
  const torch::Tensor p = vec({0.f, 0.f, 0.f, 0.f, 3.f, -3.f});
  const torch::Tensor out = ternarized(p, vec({0.f, 0.f, 0.f, 0.f, 0.f, 0.f}), kSlices);
  EXPECT_TRUE(same(out, vec({0.f, 0.f, 0.f, 0.f, 3.f, -3.f})));
  EXPECT_FALSE(torch::isnan(out).any().item<bool>());
}

TEST(TernGrad, MatchesTheScalarReferenceForTheSameDraws) {
  const std::vector<TensorSlice> slices{{"a", 0, 100, {}}, {"b", 100, 1, {}}, {"c", 101, 399, {}}};
  torch::manual_seed(11);
  const torch::Tensor p = torch::randn({500}) * torch::rand({500});
  const torch::Tensor u = torch::rand({500});
  const std::vector<float> expected = reference(to_vector(p), to_vector(u), slices);
  EXPECT_TRUE(same(ternarized(p, u, slices), torch::tensor(expected, torch::kFloat32)));
}

TEST(TernGrad, EncodeDrawsOneUniformPerEntryFromTheWorkersGenerator) {
  const std::vector<TensorSlice> slices{{"a", 0, 50, {}}, {"b", 50, 30, {}}};
  TernGrad c(CompressorOptions{}, setup_of(slices, /*seed=*/9, /*workers=*/3));
  torch::Generator gen = worker_generator(9, 2, TernGrad::kStream, torch::kCPU);
  torch::manual_seed(2);
  const torch::Tensor p = torch::randn({80});
  for (int round = 0; round < 3; ++round) {
    c.encode(2, p, 0);
    const torch::Tensor u = torch::rand({80}, gen);
    const std::vector<float> expected = reference(to_vector(p), to_vector(u), slices);
    EXPECT_TRUE(same(decoded(c, 0, 80), torch::tensor(expected, torch::kFloat32)));
  }
}

TEST(TernGrad, DecodedIsTernaryPerTensorAndKeepsTheLargest) {
  const std::vector<TensorSlice> slices{{"a", 0, 3, {}}, {"b", 3, 3, {}}};
  TernGrad c(CompressorOptions{}, setup_of(slices));
  const torch::Tensor p = vec({0.1f, -0.7f, 0.3f, 5.f, -5.f, 0.01f});
  for (int round = 0; round < 200; ++round) {
    c.encode(0, p, 0);
    const std::vector<float> d = to_vector(decoded(c, 0, 6));
    // |p| = s is always kept: -0.7 in a, both 5 and -5 in b.
    EXPECT_EQ(d[1], -0.7f);
    EXPECT_EQ(d[3], 5.f);
    EXPECT_EQ(d[4], -5.f);
    for (const int i : {0, 2}) EXPECT_TRUE(d[i] == 0.f || d[i] == 0.7f) << d[i];
    EXPECT_TRUE(d[5] == 0.f || d[5] == 5.f) << d[5];
  }
}

TEST(TernGrad, IsUnbiasedOverManySeeds) {
  // decoded_i = s sign(p_i) with probability |p_i| / s, else 0: variance s |p_i| - p_i^2. Over
  // N seeds the mean is within 3 standard errors of p_i.
  const int trials = 4000;
  const std::vector<TensorSlice> slices{{"a", 0, 4, {}}, {"b", 4, 3, {}}};
  const torch::Tensor p = vec({0.2f, -0.5f, 1.f, 0.05f, -3.f, 1.f, 0.3f});
  const std::vector<float> scale{1.f, 1.f, 1.f, 1.f, 3.f, 3.f, 3.f};
  torch::Tensor sum = torch::zeros({7});
  for (int seed = 0; seed < trials; ++seed) {
    TernGrad c(CompressorOptions{}, setup_of(slices, static_cast<uint64_t>(seed), 1));
    c.encode(0, p, 0);
    c.add_decoded(0, sum);
  }
  const std::vector<float> mean = to_vector(sum / trials);
  const std::vector<float> pv = to_vector(p);
  for (size_t i = 0; i < 7; ++i) {
    const double variance = scale[i] * std::fabs(pv[i]) - pv[i] * pv[i];
    const double se = std::sqrt(variance / trials);
    EXPECT_NEAR(mean[i], pv[i], 3.0 * se + 1e-6) << "entry " << i;
  }
}

TEST(TernGrad, ErrorFeedbackKeepsPMinusDecoded) {
  TernGrad c(CompressorOptions{}, setup_of(kSlices));
  const torch::Tensor p = vec({0.5f, -1.f, 0.25f, 0.f, -2.f, 1.f});
  torch::Tensor e = p.clone();
  c.encode(1, e, 0);
  c.subtract_decoded(0, e);
  const torch::Tensor d = decoded(c, 0, 6);
  EXPECT_TRUE(same(e, p - d));
  EXPECT_EQ(e[1].item<float>(), 0.f);  // -1 = -s_a is always sent exactly
  EXPECT_EQ(e[4].item<float>(), 0.f);
  torch::Tensor out = torch::ones({6});
  c.add_decoded(0, out);
  EXPECT_TRUE(same(out, 1.0f + d));
}

TEST(TernGrad, SeedsAndWorkersGiveTheirOwnDraws) {
  const std::vector<TensorSlice> slices{{"w", 0, 500, {}}};
  torch::manual_seed(4);
  const torch::Tensor p = torch::randn({500});
  auto draw = [&](uint64_t seed, int worker) {
    TernGrad c(CompressorOptions{}, setup_of(slices, seed, 3));
    c.encode(worker, p, 0);
    return decoded(c, 0, 500);
  };
  EXPECT_TRUE(same(draw(3, 0), draw(3, 0)));
  EXPECT_FALSE(torch::equal(draw(3, 0), draw(3, 1)));
  EXPECT_FALSE(torch::equal(draw(3, 0), draw(4, 0)));
}

TEST(TernGrad, SlotsAreIndependent) {
  TernGrad c(CompressorOptions{}, setup_of(kSlices, 1, 2, /*slots=*/2));
  c.encode(0, vec({1.f, 1.f, 1.f, 1.f, 2.f, 2.f}), 0);
  c.encode(1, vec({-1.f, -1.f, -1.f, -1.f, -2.f, -2.f}), 1);
  EXPECT_TRUE(same(decoded(c, 0, 6), vec({1.f, 1.f, 1.f, 1.f, 2.f, 2.f})));
  EXPECT_TRUE(same(decoded(c, 1, 6), vec({-1.f, -1.f, -1.f, -1.f, -2.f, -2.f})));
}

TEST(TernGrad, RejectsBadSetupAndInput) {
  EXPECT_THROW(TernGrad(CompressorOptions{}, setup_of(kSlices, 1, /*workers=*/0)),
               std::invalid_argument);
  EXPECT_THROW(TernGrad(CompressorOptions{}, setup_of({})), std::invalid_argument);
  TernGrad c(CompressorOptions{}, setup_of(kSlices));
  EXPECT_THROW(c.encode(2, torch::zeros({6}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({5}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({6}), 1), std::logic_error);
  EXPECT_DOUBLE_EQ(c.cost(), TernGrad::kCost);
}

}  // namespace
}  // namespace sasgsim
