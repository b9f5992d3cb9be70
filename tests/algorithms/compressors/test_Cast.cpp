#include "algorithms/compressors/Cast.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
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
  return compressor_setup(std::move(slices), 1, 0, slots);
}

CompressorSetup setup_of_size(int64_t n) { return setup_of({{"w", 0, n, {}}}); }

torch::Tensor tensor_of(const std::vector<float>& v) { return torch::tensor(v, torch::kFloat32); }

// Scalar reference, independent of torch: every non-negative finite value of the 16-bit format
// in ascending order (with its bit pattern), plus one ulp above the largest standing for inf
// (its pattern, the inf pattern, is even). A value rounds to the nearest entry, ties to the
// even pattern.
struct Format {
  std::vector<double> values;
  std::vector<uint32_t> patterns;

  float round(float x) const {
    if (std::signbit(x)) return -round(-x);
    const double v = x;
    if (v > values.back()) return std::numeric_limits<float>::infinity();
    const size_t hi = static_cast<size_t>(std::lower_bound(values.begin(), values.end(), v) -
                                          values.begin());
    size_t pick = hi;
    if (values[hi] != v) {
      const size_t lo = hi - 1;  // v > 0 = values[0] here
      const double below = v - values[lo];
      const double above = values[hi] - v;
      pick = below < above ? lo : above < below ? hi : (patterns[lo] % 2 == 0 ? lo : hi);
    }
    if (pick + 1 == values.size()) return std::numeric_limits<float>::infinity();
    return static_cast<float>(values[pick]);
  }
};

Format fp16_format() {
  Format f;
  for (uint32_t b = 0; b < 0x7C00; ++b) {  // 0x7C00 is inf
    const uint32_t exponent = b >> 10;
    const uint32_t mantissa = b & 1023u;
    const int shift = static_cast<int>(exponent) - 25;
    f.values.push_back(exponent == 0 ? std::ldexp(mantissa, -24)  // subnormal
                                     : std::ldexp(1024 + mantissa, shift));
    f.patterns.push_back(b);
  }
  f.values.push_back(2.0 * f.values.back() - f.values[f.values.size() - 2]);
  f.patterns.push_back(0x7C00);
  return f;
}

Format bf16_format() {
  Format f;
  for (uint32_t b = 0; b < 0x7F80; ++b) {  // 0x7F80 is inf
    const uint32_t bits = b << 16;
    float value;
    std::memcpy(&value, &bits, sizeof value);
    f.values.push_back(value);
    f.patterns.push_back(b);
  }
  f.values.push_back(2.0 * f.values.back() - f.values[f.values.size() - 2]);
  f.patterns.push_back(0x7F80);
  return f;
}

// Random finite floats of every magnitude, values in fp16's range, and exact midpoints between
// neighbours of both formats (the ties).
std::vector<float> probe_values() {
  std::mt19937 rng(2024);
  std::vector<float> v;
  std::uniform_int_distribution<uint32_t> bits;
  while (v.size() < 20000) {
    const uint32_t b = bits(rng);
    float x;
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x)) v.push_back(x);
  }
  std::uniform_real_distribution<float> mantissa(1.0f, 2.0f);
  std::uniform_int_distribution<int> exponent(-28, 16);
  for (int i = 0; i < 20000; ++i) {
    const float x = std::ldexp(mantissa(rng), exponent(rng));
    v.push_back(i % 2 == 0 ? x : -x);
  }
  for (const Format& f : {fp16_format(), bf16_format()}) {
    for (size_t i = 0; i + 2 < f.values.size(); i += 37) {  // finite pairs
      v.push_back(static_cast<float>((f.values[i] + f.values[i + 1]) / 2.0));
    }
  }
  return v;
}

void expect_matches_reference(torch::ScalarType dtype, const Format& format) {
  const std::vector<float> p = probe_values();
  const auto n = static_cast<int64_t>(p.size());
  Cast c(dtype, setup_of_size(n));
  const Encoded e = c.encode(0, tensor_of(p), 0);
  EXPECT_EQ(e.values, n);
  EXPECT_EQ(e.payload_bytes, 16 + 2 * n);
  const std::vector<float> actual = to_vector(decoded(c, 0, n));
  int mismatches = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const float expected = format.round(p[i]);
    if (actual[i] != expected) {
      if (++mismatches <= 5) {
        ADD_FAILURE() << "p = " << p[i] << ": got " << actual[i] << ", expected " << expected;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(Cast, Fp16HandWorkedValuesAndPayload) {
  Cast c(torch::kFloat16, setup_of({{"a", 0, 6, {}}, {"b", 6, 6, {}}}));
  // 1/3 = 1.0101...b * 2^-2: 10 mantissa bits -> 1365 / 4096. 0.1 -> 1638 / 16384.
  // 65519 is below the midpoint 65520 between 65504 (largest) and 65536 (inf): 65504.
  // 65520 is that midpoint: ties to even -> inf. 1 + 2^-11 ties to 1 (even); 1 + 3 * 2^-11 ties
  // between 1 + 2^-10 (odd) and 1 + 2^-9 (even). 2^-25 ties between 0 and 2^-24 -> 0;
  // 1.5 * 2^-25 -> 2^-24 (the smallest subnormal).
  const float inf = std::numeric_limits<float>::infinity();
  const torch::Tensor p =
      vec({1.0f / 3.0f, 0.1f, 70000.f, -70000.f, 65504.f, 65519.f, 65520.f, 1.f + 0x1p-11f,
           1.f + 0x3p-11f, 0x1p-25f, 0x1.8p-25f, -0x1p-24f});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 12);
  EXPECT_EQ(e.payload_bytes, 16 + 2 * 12);  // 40
  EXPECT_TRUE(same(decoded(c, 0, 12),
                   vec({0.333251953125f, 0.0999755859375f, inf, -inf, 65504.f, 65504.f, inf,
                        1.f, 1.f + 0x1p-9f, 0.f, 0x1p-24f, -0x1p-24f})));
  EXPECT_EQ(c.held(0).value_bytes, 4 * 12);
  EXPECT_EQ(c.held(0).index_bytes, 0);
}

TEST(Cast, Bf16HandWorkedValuesAndPayload) {
  Cast c(torch::kBFloat16, setup_of_size(7));
  // 7 mantissa bits: 1/3 -> 171 / 512; 70000 = 136.72 * 512 -> 137 * 512 = 70144.
  // 1 + 2^-8 ties to 1; 1 + 3 * 2^-8 ties to 1 + 2^-6 (even). The largest finite bf16 is
  // (2 - 2^-7) 2^127 ~ 3.3895e38; 3.4e38 lies beyond the midpoint to 2^128: inf.
  const float inf = std::numeric_limits<float>::infinity();
  const float largest = 0x1.FEp127f;
  const Encoded e = c.encode(0, vec({1.0f / 3.0f, 70000.f, 1.f + 0x1p-8f, 1.f + 0x3p-8f,
                                     3.4e38f, -FLT_MAX, largest}), 0);
  EXPECT_EQ(e.values, 7);
  EXPECT_EQ(e.payload_bytes, 16 + 14);
  EXPECT_TRUE(same(decoded(c, 0, 7),
                   vec({0.333984375f, 70144.f, 1.f, 1.015625f, inf, -inf, largest})));
}

TEST(Cast, Fp16MatchesTheScalarReference) {
  expect_matches_reference(torch::kFloat16, fp16_format());
}

TEST(Cast, Bf16MatchesTheScalarReference) {
  expect_matches_reference(torch::kBFloat16, bf16_format());
}

TEST(Cast, ErrorFeedbackKeepsTheRoundingError) {
  for (const torch::ScalarType dtype : {torch::kFloat16, torch::kBFloat16}) {
    Cast c(dtype, setup_of({{"a", 0, 3, {}}, {"b", 3, 2, {}}}));
    const torch::Tensor p = vec({1.0f / 3.0f, -2.5f, 1e-3f, 1.f + 0x1p-12f, 1000.1f});
    torch::Tensor e = p.clone();
    c.encode(0, e, 0);
    c.subtract_decoded(0, e);
    EXPECT_TRUE(same(e, p - decoded(c, 0, 5)));
    // -2.5 is exact in both formats; 1/3 is not.
    EXPECT_EQ(e[1].item<float>(), 0.0f);
    EXPECT_NE(e[0].item<float>(), 0.0f);
    torch::Tensor out = torch::ones({5});
    c.add_decoded(0, out);
    EXPECT_TRUE(same(out, 1.0f + decoded(c, 0, 5)));
  }
}

TEST(Cast, SlotsAreIndependentAndEncodeDoesNotModifyP) {
  Cast c(torch::kFloat16, setup_of({{"a", 0, 2, {}}}, /*slots=*/2));
  const torch::Tensor p = vec({1.0f / 3.0f, 2.f});
  c.encode(0, p, 1);
  c.encode(0, vec({4.f, 5.f}), 0);
  EXPECT_TRUE(same(decoded(c, 1, 2), vec({0.333251953125f, 2.f})));
  EXPECT_TRUE(same(decoded(c, 0, 2), vec({4.f, 5.f})));
  EXPECT_TRUE(same(p, vec({1.0f / 3.0f, 2.f})));
}

TEST(Cast, RejectsOtherDtypesAndBadInput) {
  EXPECT_THROW(Cast(torch::kFloat32, setup_of_size(3)), std::invalid_argument);
  EXPECT_THROW(Cast(torch::kInt16, setup_of_size(3)), std::invalid_argument);
  EXPECT_THROW(Cast(torch::kFloat16, setup_of({})), std::invalid_argument);
  Cast c(torch::kBFloat16, setup_of_size(3));
  EXPECT_EQ(c.dtype(), torch::kBFloat16);
  EXPECT_THROW(c.encode(0, torch::zeros({2}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({3}, torch::kFloat16), 0), std::logic_error);
  EXPECT_DOUBLE_EQ(c.cost(), Cast::kBFloat16Cost);
  EXPECT_DOUBLE_EQ(Cast(torch::kFloat16, setup_of_size(3)).cost(), Cast::kHalfCost);
}

}  // namespace
}  // namespace sasgsim
