#include "algorithms/compressors/Qsgd.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
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

CompressorOptions options_of(int64_t levels, int64_t bucket = 0, bool elias = false) {
  CompressorOptions o;
  o.kind = CompressorKind::kQsgd;
  o.levels = levels;
  o.bucket = bucket;
  o.elias = elias;
  return o;
}

// The Elias omega codeword of n >= 1, built from the definition: start from "0"; while n > 1,
// prepend n in binary and continue with n = (its bit count) - 1.
std::string omega_code(uint64_t n) {
  std::string code = "0";
  while (n > 1) {
    std::string binary;
    for (uint64_t m = n; m != 0; m >>= 1) {
      binary.insert(binary.begin(), static_cast<char>('0' + (m & 1)));
    }
    code = binary + code;
    n = binary.size() - 1;
  }
  return code;
}

// Decodes one omega codeword from `bits` at `pos` (advanced past it): n = 1; while the next bit
// is 1, read n + 1 bits as the new n.
uint64_t omega_decode(const std::string& bits, size_t& pos) {
  uint64_t n = 1;
  while (bits.at(pos) == '1') {
    uint64_t value = 0;
    for (uint64_t i = 0; i <= n; ++i) {
      value = 2 * value + static_cast<uint64_t>(bits.at(pos++) - '0');
    }
    n = value;
  }
  ++pos;  // the closing 0
  return n;
}

// Bucket [begin, end) ranges over the model: `bucket` entries inside each slice (0: the slice).
std::vector<std::pair<int64_t, int64_t>> reference_buckets(const std::vector<TensorSlice>& slices,
                                                           int64_t bucket) {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const TensorSlice& s : slices) {
    const int64_t end = s.offset + s.numel;
    for (int64_t b = s.offset; b < end; b += (bucket == 0 ? s.numel : bucket)) {
      ranges.emplace_back(b, bucket == 0 ? end : std::min(end, b + bucket));
    }
  }
  return ranges;
}

struct Quantized {
  std::vector<float> levels;
  std::vector<float> decoded;
};

// Scalar reference of QSGD for given draws: per bucket norm = ||v||_2 (accumulated in double);
// r = |v| s / norm, l = floor(r), level = l + [u < r - l], decoded = sign(v) norm level / s.
Quantized reference(const std::vector<float>& p, const std::vector<float>& u,
                    const std::vector<TensorSlice>& slices, int64_t bucket, int64_t s) {
  Quantized q{std::vector<float>(p.size(), 0.0f), std::vector<float>(p.size(), 0.0f)};
  const auto sf = static_cast<float>(s);
  for (const auto& [begin, end] : reference_buckets(slices, bucket)) {
    double squares = 0.0;
    for (int64_t i = begin; i < end; ++i) squares += static_cast<double>(p[i]) * p[i];
    const auto norm = static_cast<float>(std::sqrt(squares));
    if (norm == 0.0f) continue;
    for (int64_t i = begin; i < end; ++i) {
      const float r = std::fabs(p[i]) * sf / norm;
      const float l = std::floor(r);
      const float level = std::min(sf, l + (u[i] < r - l ? 1.0f : 0.0f));
      const float sign = p[i] > 0.0f ? 1.0f : (p[i] < 0.0f ? -1.0f : 0.0f);
      q.levels[i] = level;
      q.decoded[i] = norm * level / sf * sign;
    }
  }
  return q;
}

// The Elias message's bit stream (without the norms) for `levels` and signs of p, as text.
std::string elias_stream(const std::vector<float>& levels, const std::vector<float>& p,
                         const std::vector<TensorSlice>& slices, int64_t bucket) {
  std::string stream;
  for (const auto& [begin, end] : reference_buckets(slices, bucket)) {
    std::string body;
    int64_t previous = begin - 1;
    uint64_t count = 0;
    for (int64_t i = begin; i < end; ++i) {
      if (levels[i] == 0.0f) continue;
      body += omega_code(static_cast<uint64_t>(i - previous)) + (p[i] < 0.0f ? "1" : "0") +
              omega_code(static_cast<uint64_t>(levels[i]));
      previous = i;
      ++count;
    }
    stream += omega_code(count + 1) + body;
  }
  return stream;
}

int64_t reference_payload(const std::vector<float>& levels, const std::vector<float>& p,
                          const std::vector<TensorSlice>& slices, int64_t bucket, int64_t s,
                          bool elias) {
  const auto buckets = static_cast<int64_t>(reference_buckets(slices, bucket).size());
  const auto n = static_cast<int64_t>(p.size());
  const int64_t bits =
      elias ? static_cast<int64_t>(elias_stream(levels, p, slices, bucket).size())
            : n * (1 + static_cast<int64_t>(std::ceil(std::log2(static_cast<double>(s) + 1.0))));
  return 16 + 4 * buckets + (bits + 7) / 8;
}

TEST(Qsgd, EliasOmegaHandCheckedCodewords) {
  // 1: "0". 2 = 10b: "10" + "0". 3 = 11b: "11" + "0". 4 = 100b (3 bits, then 2 = 10b):
  // "10" "100" "0". 7 = 111b: "10" "111" "0". 8 = 1000b (4 bits, then 3 = 11b): "11" "1000" "0".
  // 16 = 10000b (5 bits, then 4 = 100b, then 2): "10" "100" "10000" "0".
  // 100 = 1100100b (7 bits, then 6 = 110b, then 2): "10" "110" "1100100" "0" (13 bits).
  const std::vector<std::pair<uint64_t, std::string>> codes{
      {1, "0"},       {2, "100"},         {3, "110"},         {4, "101000"},
      {7, "101110"},  {8, "1110000"},     {16, "10100100000"}, {100, "1011011001000"}};
  for (const auto& [n, code] : codes) {
    EXPECT_EQ(omega_code(n), code) << n;
    EXPECT_EQ(elias_omega_bits(n), static_cast<int64_t>(code.size())) << n;
  }
  // 2^32: 33 bits, then 32 = 100000b (6), then 5 = 101b (3), then 2 (2), then "0": 45.
  EXPECT_EQ(elias_omega_bits(uint64_t{1} << 32), 45);
  EXPECT_THROW(elias_omega_bits(0), std::invalid_argument);
}

TEST(Qsgd, EliasOmegaLengthMatchesTheDecodableCode) {
  std::string all;
  for (uint64_t n = 1; n <= 5000; ++n) {
    EXPECT_EQ(elias_omega_bits(n), static_cast<int64_t>(omega_code(n).size())) << n;
    all += omega_code(n);
  }
  size_t pos = 0;  // the codes are self-delimiting: the concatenation decodes back
  for (uint64_t n = 1; n <= 5000; ++n) ASSERT_EQ(omega_decode(all, pos), n);
  EXPECT_EQ(pos, all.size());
  for (const uint64_t n : {uint64_t{1} << 20, (uint64_t{1} << 31) - 1, ~uint64_t{0}}) {
    EXPECT_EQ(elias_omega_bits(n), static_cast<int64_t>(omega_code(n).size())) << n;
  }
}

TEST(Qsgd, EntriesOnALevelQuantizeExactly) {
  // v = (3, 4), norm 5, s = 5: r = |v| 5 / 5 = (3, 4), no fraction, so every draw gives levels
  // (3, 4) and decoded 5 * (3, 4) / 5 = v.
  // Fixed width: 1 + ceil(log2 6) = 4 bits per entry, 8 bits = 1 byte: 16 + 4 + 1 = 21.
  // Elias: omega(2 + 1) = "110" (3); entry 0: omega(1) "0", sign, omega(3) "110" (5);
  // entry 1: "0", sign, omega(4) "101000" (8): 16 bits = 2 bytes: 16 + 4 + 2 = 22, values 2.
  const std::vector<TensorSlice> one{{"w", 0, 2, {}}};
  for (const bool elias : {false, true}) {
    Qsgd c(options_of(5, 0, elias), setup_of(one));
    for (int round = 0; round < 20; ++round) {
      const Encoded e = c.encode(round % 2, vec({3.f, 4.f}), 0);
      EXPECT_TRUE(same(c.decoded(0), vec({3.f, 4.f})));
      EXPECT_TRUE(same(c.last_levels(), vec({3.f, 4.f})));
      EXPECT_EQ(e.values, 2);
      EXPECT_EQ(e.payload_bytes, elias ? 22 : 21);
    }
  }
}

TEST(Qsgd, HandWorkedWithOneLevel) {
  // s = 1, tensors a = (0, -2, 0, 0) and b = (0, 0): a has norm 2 and r = (0, 1, 0, 0), so
  // levels (0, 1, 0, 0) whatever the draws; b has norm 0 and decodes to zeros.
  // Fixed width: 2 bits x 6 = 12 bits = 2 bytes, 2 norms: 16 + 8 + 2 = 26, values 6.
  // Elias: a: omega(1 + 1) "100" (3), entry 1: omega(gap 2) "100", sign, omega(1) "0" (5);
  // b: omega(0 + 1) "0" (1): 9 bits = 2 bytes: 16 + 8 + 2 = 26, values 1.
  const std::vector<TensorSlice> slices{{"a", 0, 4, {}}, {"b", 4, 2, {}}};
  const torch::Tensor p = vec({0.f, -2.f, 0.f, 0.f, 0.f, 0.f});
  for (const bool elias : {false, true}) {
    Qsgd c(options_of(1, 0, elias), setup_of(slices));
    const Encoded e = c.encode(0, p, 0);
    EXPECT_TRUE(same(decoded(c, 0, 6), vec({0.f, -2.f, 0.f, 0.f, 0.f, 0.f})));
    EXPECT_TRUE(same(c.last_levels(), vec({0.f, 1.f, 0.f, 0.f, 0.f, 0.f})));
    EXPECT_EQ(e.values, elias ? 1 : 6);
    EXPECT_EQ(e.payload_bytes, 26);
    EXPECT_FALSE(torch::isnan(c.decoded(0)).any().item<bool>());
  }
}

TEST(Qsgd, HandWorkedWithFourLevels) {
  // s = 4, a = (3, -2, 1, 0, 1, -1): norm sqrt(9 + 4 + 1 + 0 + 1 + 1) = 4, r = |a| = levels
  // (3, 2, 1, 0, 1, 1); b = (-8): norm 8, r = 4. Decoded = v exactly.
  // Fixed width: 1 + ceil(log2 5) = 4 bits x 7 = 28 bits = 4 bytes: 16 + 8 + 4 = 28, values 7.
  // Elias: a: omega(5 + 1) "10" "110" "0" (6); entries (gap, level): (1, 3) 1 + 1 + 3 = 5,
  // (1, 2) 5, (1, 1) 3, (2, 1) 3 + 1 + 1 = 5, (1, 1) 3: 27 bits. b: omega(2) (3), (1, 4)
  // 1 + 1 + 6 = 8: 11 bits. 38 bits = 5 bytes: 16 + 8 + 5 = 29, values 6.
  const std::vector<TensorSlice> slices{{"a", 0, 6, {}}, {"b", 6, 1, {}}};
  const torch::Tensor p = vec({3.f, -2.f, 1.f, 0.f, 1.f, -1.f, -8.f});
  for (const bool elias : {false, true}) {
    Qsgd c(options_of(4, 0, elias), setup_of(slices));
    const Encoded e = c.encode(1, p, 0);
    EXPECT_TRUE(same(decoded(c, 0, 7), p));
    EXPECT_TRUE(same(c.last_levels(), vec({3.f, 2.f, 1.f, 0.f, 1.f, 1.f, 4.f})));
    EXPECT_EQ(e.values, elias ? 6 : 7);
    EXPECT_EQ(e.payload_bytes, elias ? 29 : 28);
    EXPECT_EQ(c.held(0).value_bytes, 28);
    EXPECT_EQ(c.held(0).index_bytes, 0);
  }
}

TEST(Qsgd, HandWorkedWithGivenDraws) {
  // s = 1: a = (3, -4) has norm 5, r = (0.6, 0.8); b = (1, 0) has norm 1, r = (1, 0).
  // u = (0.5, 0.9, 0.99, 0): 0.5 < 0.6 up, 0.9 < 0.8 no, r = 1 has no fraction, 0 stays 0:
  // levels (1, 0, 1, 0), decoded (5, 0, 1, 0).
  const std::vector<TensorSlice> slices{{"a", 0, 2, {}}, {"b", 2, 2, {}}};
  const torch::Tensor p = vec({3.f, -4.f, 1.f, 0.f});
  torch::Tensor levels = torch::full({4}, 7.f);
  torch::Tensor out = torch::full({4}, 7.f);
  Qsgd::quantize(p, vec({0.5f, 0.9f, 0.99f, 0.f}), slices, 0, 1, levels, out);
  EXPECT_TRUE(same(levels, vec({1.f, 0.f, 1.f, 0.f})));
  EXPECT_TRUE(same(out, vec({5.f, 0.f, 1.f, 0.f})));
  // u = (0.7, 0.1, 0, 0.5): (0, -5, 1, 0).
  Qsgd::quantize(p, vec({0.7f, 0.1f, 0.f, 0.5f}), slices, 0, 1, levels, out);
  EXPECT_TRUE(same(out, vec({0.f, -5.f, 1.f, 0.f})));
  // s = 2: r_a = (1.2, 1.6), u = (0.1, 0.7): levels (2, 1), decoded (5, -2.5).
  Qsgd::quantize(p, vec({0.1f, 0.7f, 0.f, 0.f}), slices, 0, 2, levels, out);
  EXPECT_TRUE(same(levels, vec({2.f, 1.f, 2.f, 0.f})));
  EXPECT_TRUE(same(out, vec({5.f, -2.5f, 1.f, 0.f})));
  EXPECT_TRUE(same(p, vec({3.f, -4.f, 1.f, 0.f}))) << "must not modify p";
}

TEST(Qsgd, TwoBucketsPerTensorPayloadByHand) {
  // bucket 4, s = 3: a (5 entries) splits into (0, 2, -1, 2) and (0.5); b (3 < 4 entries) is
  // one bucket (0, 0, -7): B = 3. Norms 3, 0.5, 7; r = |v| 3 / norm = levels (0, 2, 1, 2),
  // (3), (0, 0, 3), all on a level, decoded = v.
  // Fixed width: 1 + ceil(log2 4) = 3 bits x 8 = 24 bits = 3 bytes: 16 + 12 + 3 = 31, values 8.
  // Elias (gap, level) per nonzero = omega(gap) + 1 + omega(level):
  //   a0: omega(3 + 1) = 6; (2, 2) 3 + 1 + 3 = 7; (1, 1) 1 + 1 + 1 = 3; (1, 2) 1 + 1 + 3 = 5: 21
  //   a1: omega(1 + 1) = 3; (1, 3) 1 + 1 + 3 = 5: 8
  //   b:  omega(1 + 1) = 3; (3, 3) 3 + 1 + 3 = 7: 10
  // 39 bits = 5 bytes: 16 + 12 + 5 = 33, values 5.
  const std::vector<TensorSlice> slices{{"a", 0, 5, {}}, {"b", 5, 3, {}}};
  const torch::Tensor p = vec({0.f, 2.f, -1.f, 2.f, 0.5f, 0.f, 0.f, -7.f});
  for (const bool elias : {false, true}) {
    Qsgd c(options_of(3, 4, elias), setup_of(slices));
    EXPECT_EQ(c.buckets(), 3);
    const Encoded e = c.encode(0, p, 0);
    EXPECT_TRUE(same(decoded(c, 0, 8), p));
    EXPECT_TRUE(same(c.last_levels(), vec({0.f, 2.f, 1.f, 2.f, 3.f, 0.f, 0.f, 3.f})));
    EXPECT_EQ(e.values, elias ? 5 : 8);
    EXPECT_EQ(e.payload_bytes, elias ? 33 : 31);
  }
}

TEST(Qsgd, BucketsTileEachTensorAndBitsRoundOnce) {
  const std::vector<TensorSlice> slices{{"a", 0, 5, {}}, {"b", 5, 3, {}}};
  EXPECT_EQ(Qsgd::bucket_lengths(slices, 0), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(Qsgd::bucket_lengths(slices, 4), (std::vector<int64_t>{4, 1, 3}));
  EXPECT_EQ(Qsgd::bucket_lengths(slices, 2), (std::vector<int64_t>{2, 2, 1, 2, 1}));
  EXPECT_EQ(Qsgd::bucket_lengths(slices, 100), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(Qsgd::bucket_lengths(slices, 1), std::vector<int64_t>(8, 1));
  // Two tensors of 5, s = 1: 2 bits x 10 = 20 bits = 3 bytes once (2 + 2 = 4 if rounded per
  // tensor): 16 + 8 + 3 = 27. bucket 2: 6 norms: 16 + 24 + 3 = 43.
  const std::vector<TensorSlice> fives{{"a", 0, 5, {}}, {"b", 5, 5, {}}};
  Qsgd per_tensor(options_of(1), setup_of(fives));
  EXPECT_EQ(per_tensor.encode(0, torch::ones({10}), 0).payload_bytes, 27);
  Qsgd bucketed(options_of(1, 2), setup_of(fives));
  EXPECT_EQ(bucketed.encode(0, torch::ones({10}), 0).payload_bytes, 43);
  // s = 16: 1 + ceil(log2 17) = 6 bits x 10 = 60 bits = 8 bytes: 16 + 8 + 8 = 32.
  Qsgd sixteen(options_of(16), setup_of(fives));
  EXPECT_EQ(sixteen.encode(0, torch::ones({10}), 0).payload_bytes, 32);
}

TEST(Qsgd, MatchesTheScalarReferenceForTheSameDraws) {
  const std::vector<TensorSlice> slices{{"a", 0, 100, {}}, {"b", 100, 1, {}}, {"c", 101, 399, {}}};
  torch::manual_seed(11);
  const torch::Tensor p = torch::randn({500}) * torch::rand({500});
  const torch::Tensor u = torch::rand({500});
  for (const int64_t s : {1, 2, 3, 16, 255}) {
    for (const int64_t bucket : {0, 1, 7, 64, 1000}) {
      const Quantized q = reference(to_vector(p), to_vector(u), slices, bucket, s);
      torch::Tensor levels = torch::full({500}, 7.f);
      torch::Tensor out = torch::full({500}, 7.f);
      Qsgd::quantize(p, u, slices, bucket, s, levels, out);
      EXPECT_TRUE(same(levels, torch::tensor(q.levels))) << "s " << s << " bucket " << bucket;
      EXPECT_TRUE(torch::allclose(out, torch::tensor(q.decoded), 1e-5, 0.0))
          << "s " << s << " bucket " << bucket;
    }
  }
}

TEST(Qsgd, EncodeDrawsFromTheWorkersGeneratorAndSizesLikeTheReference) {
  const std::vector<TensorSlice> slices{{"a", 0, 50, {}}, {"b", 50, 30, {}}, {"c", 80, 7, {}}};
  torch::manual_seed(2);
  const torch::Tensor p = torch::randn({87});
  for (const bool elias : {false, true}) {
    for (const int64_t bucket : {0, 16}) {
      const int64_t s = elias ? 3 : 8;
      Qsgd c(options_of(s, bucket, elias), setup_of(slices, /*seed=*/9, /*workers=*/3));
      torch::Generator gen = worker_generator(9, 2, Qsgd::kStream, torch::kCPU);
      for (int round = 0; round < 3; ++round) {
        const Encoded e = c.encode(2, p, 0);
        const torch::Tensor u = torch::rand({87}, gen);
        const Quantized q = reference(to_vector(p), to_vector(u), slices, bucket, s);
        EXPECT_TRUE(same(c.last_levels(), torch::tensor(q.levels)));
        EXPECT_TRUE(torch::allclose(decoded(c, 0, 87), torch::tensor(q.decoded), 1e-5, 0.0));
        const auto nonzeros = std::count_if(q.levels.begin(), q.levels.end(),
                                            [](float l) { return l != 0.0f; });
        EXPECT_EQ(e.values, elias ? nonzeros : 87);
        EXPECT_EQ(e.payload_bytes,
                  reference_payload(q.levels, to_vector(p), slices, bucket, s, elias));
      }
    }
  }
}

TEST(Qsgd, EliasChangesTheSizeNotTheMessage) {
  const std::vector<TensorSlice> slices{{"w", 0, 300, {}}};
  torch::manual_seed(5);
  const torch::Tensor p = torch::randn({300});
  Qsgd fixed(options_of(4, 32, false), setup_of(slices, 3));
  Qsgd elias(options_of(4, 32, true), setup_of(slices, 3));
  for (int round = 0; round < 3; ++round) {
    fixed.encode(1, p, 0);
    elias.encode(1, p, 0);
    EXPECT_TRUE(same(fixed.decoded(0), elias.decoded(0)));
  }
  EXPECT_DOUBLE_EQ(fixed.cost(), Qsgd::kCost);
  EXPECT_DOUBLE_EQ(elias.cost(), Qsgd::kEliasCost);
}

TEST(Qsgd, EliasIsMuchSmallerWithFewLevels) {
  // s = 1 keeps about sqrt(n) levels per bucket (sum |v_i| / norm <= sqrt n), a few bits each;
  // fixed width spends 2 bits on every entry.
  const std::vector<TensorSlice> slices{{"w", 0, 10000, {}}};
  torch::manual_seed(6);
  const torch::Tensor p = torch::randn({10000});
  Qsgd fixed(options_of(1, 0, false), setup_of(slices));
  Qsgd elias(options_of(1, 0, true), setup_of(slices));
  const Encoded f = fixed.encode(0, p, 0);
  const Encoded e = elias.encode(0, p, 0);
  EXPECT_EQ(f.payload_bytes, 16 + 4 + 2500);
  EXPECT_LT(e.values, 200);
  EXPECT_GT(e.values, 0);
  EXPECT_LT(e.payload_bytes, f.payload_bytes / 4);
}

TEST(Qsgd, LevelsNeverExceedS) {
  const std::vector<TensorSlice> slices{{"a", 0, 200, {}}, {"b", 200, 56, {}}};
  torch::manual_seed(8);
  std::vector<torch::Tensor> inputs{torch::randn({256}) * torch::exp(torch::randn({256}) * 5),
                                    torch::zeros({256}), torch::full({256}, -3.f)};
  inputs[1][17] = 1e-3f;   // one nonzero per tensor: its level is s
  inputs[1][230] = -4e4f;
  inputs[2][3] = 1e6f;     // one entry carries nearly all of the norm
  for (const int64_t s : {1, 2, 3, 7, 16, 1000}) {
    for (const int64_t bucket : {0, 5}) {
      Qsgd c(options_of(s, bucket), setup_of(slices));
      for (const torch::Tensor& p : inputs) {
        for (int round = 0; round < 5; ++round) {
          c.encode(0, p, 0);
          const torch::Tensor l = c.last_levels();
          EXPECT_GE(l.min().item<float>(), 0.f);
          EXPECT_LE(l.max().item<float>(), static_cast<float>(s));
          EXPECT_TRUE(torch::equal(l, l.floor()));
          EXPECT_TRUE(torch::isfinite(c.decoded(0)).all().item<bool>());
        }
      }
      c.encode(1, inputs[1], 0);
      EXPECT_EQ(c.last_levels()[17].item<float>(), static_cast<float>(s));
      EXPECT_EQ(c.last_levels()[230].item<float>(), static_cast<float>(s));
      EXPECT_EQ(c.decoded(0)[230].item<float>(), -4e4f);
      EXPECT_EQ(c.last_levels().sum().item<float>(), 2.f * static_cast<float>(s));
    }
  }
}

// Per entry (norm / s)^2 f (1 - f), f the fraction of r = |v| s / norm, in double.
std::vector<double> entry_variances(const std::vector<float>& v,
                                    const std::vector<TensorSlice>& slices, int64_t bucket,
                                    int64_t s) {
  std::vector<double> var(v.size(), 0.0);
  for (const auto& [begin, end] : reference_buckets(slices, bucket)) {
    double squares = 0.0;
    for (int64_t i = begin; i < end; ++i) squares += static_cast<double>(v[i]) * v[i];
    const double norm = std::sqrt(squares);
    if (norm == 0.0) continue;
    for (int64_t i = begin; i < end; ++i) {
      const double r = std::fabs(v[i]) * static_cast<double>(s) / norm;
      const double f = r - std::floor(r);
      var[i] = (norm / static_cast<double>(s)) * (norm / static_cast<double>(s)) * f * (1.0 - f);
    }
  }
  return var;
}

TEST(Qsgd, IsUnbiasedOverManySeeds) {
  // decoded_i takes norm l / s and norm (l + 1) / s (times the sign) with probabilities 1 - f
  // and f: variance (norm / s)^2 f (1 - f). Over N seeds the mean is within 3 standard errors
  // of v_i; always rounding down would miss by (norm / s) f, dozens of standard errors.
  const int trials = 2000;
  const std::vector<TensorSlice> slices{{"a", 0, 5, {}}, {"b", 5, 3, {}}};
  const std::vector<float> v{0.3f, -1.2f, 0.05f, 2.f, -0.7f, 0.4f, 0.f, -0.9f};
  const torch::Tensor p = torch::tensor(v);
  for (const int64_t bucket : {0, 3}) {
    torch::Tensor sum = torch::zeros({8});
    for (int seed = 0; seed < trials; ++seed) {
      Qsgd c(options_of(2, bucket), setup_of(slices, static_cast<uint64_t>(seed), 1));
      c.encode(0, p, 0);
      c.add_decoded(0, sum);
    }
    const std::vector<float> mean = to_vector(sum / trials);
    const std::vector<double> var = entry_variances(v, slices, bucket, 2);
    for (size_t i = 0; i < v.size(); ++i) {
      const double se = std::sqrt(var[i] / trials);
      EXPECT_NEAR(mean[i], v[i], 3.0 * se + 1e-6) << "bucket " << bucket << " entry " << i;
    }
  }
}

TEST(Qsgd, VarianceIsTheExpectedOneWithinTheLemmaBound) {
  // Lemma 3.1 per bucket of d entries: E||q - v||^2 <= min(d / s^2, sqrt(d) / s) ||v||^2. The
  // empirical mean of ||q - v||^2 must match the exact sum of the entry variances (within 4
  // standard errors) and stay under the bound. v = ones(16), s = 1 is near the bound:
  // expected 16^1.5 - 16 = 48 against 64.
  struct Case {
    torch::Tensor v;
    int64_t s;
    int64_t bucket;
  };
  torch::manual_seed(12);
  const std::vector<Case> cases{{torch::ones({16}), 1, 0},
                                {torch::randn({64}), 4, 16},
                                {torch::randn({100}) * torch::rand({100}), 2, 0},
                                {torch::randn({100}), 16, 10}};
  const int trials = 2000;
  for (const Case& k : cases) {
    const int64_t n = k.v.numel();
    const std::vector<TensorSlice> slices{{"w", 0, n, {}}};
    const std::vector<float> v = to_vector(k.v);
    double bound = 0.0;
    for (const auto& [begin, end] : reference_buckets(slices, k.bucket)) {
      double squares = 0.0;
      for (int64_t i = begin; i < end; ++i) squares += static_cast<double>(v[i]) * v[i];
      const auto d = static_cast<double>(end - begin);
      const auto s = static_cast<double>(k.s);
      bound += std::min(d / (s * s), std::sqrt(d) / s) * squares;
    }
    const std::vector<double> var = entry_variances(v, slices, k.bucket, k.s);
    double expected = 0.0;
    for (const double x : var) expected += x;
    Qsgd c(options_of(k.s, k.bucket), setup_of(slices, 21));
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int t = 0; t < trials; ++t) {
      c.encode(0, k.v, 0);
      const double err = (c.decoded(0) - k.v).pow(2).sum().item<double>();
      sum += err;
      sum_sq += err * err;
    }
    const double mean = sum / trials;
    const double se = std::sqrt(std::max(0.0, sum_sq / trials - mean * mean) / trials);
    EXPECT_NEAR(mean, expected, 4.0 * se + 1e-9) << "n " << n << " s " << k.s;
    EXPECT_LE(mean, bound) << "n " << n << " s " << k.s;
    EXPECT_GT(expected, 0.0);
  }
}

TEST(Qsgd, ErrorFeedbackKeepsPMinusDecoded) {
  const std::vector<TensorSlice> slices{{"a", 0, 4, {}}, {"b", 4, 2, {}}};
  Qsgd c(options_of(2, 3), setup_of(slices));
  const torch::Tensor p = vec({0.5f, -1.f, 0.25f, 0.f, -2.f, 1.f});
  torch::Tensor e = p.clone();
  c.encode(1, e, 0);
  c.subtract_decoded(0, e);
  const torch::Tensor d = decoded(c, 0, 6);
  EXPECT_TRUE(same(e, p - d));
  EXPECT_FALSE(torch::equal(d, torch::zeros({6})));
  EXPECT_EQ(e[3].item<float>(), 0.f);  // bucket (0) has norm 0: decoded 0, residual 0
  torch::Tensor out = torch::ones({6});
  c.add_decoded(0, out);
  EXPECT_TRUE(same(out, 1.0f + d));
}

TEST(Qsgd, SeedsAndWorkersGiveTheirOwnDraws) {
  const std::vector<TensorSlice> slices{{"w", 0, 500, {}}};
  torch::manual_seed(4);
  const torch::Tensor p = torch::randn({500});
  auto draw = [&](uint64_t seed, int worker) {
    Qsgd c(options_of(4, 0, true), setup_of(slices, seed, 3));
    const Encoded e = c.encode(worker, p, 0);
    return std::make_pair(decoded(c, 0, 500), e.payload_bytes);
  };
  EXPECT_TRUE(same(draw(3, 0).first, draw(3, 0).first));
  EXPECT_EQ(draw(3, 0).second, draw(3, 0).second);
  EXPECT_FALSE(torch::equal(draw(3, 0).first, draw(3, 1).first));
  EXPECT_FALSE(torch::equal(draw(3, 0).first, draw(4, 0).first));
}

TEST(Qsgd, SlotsAreIndependent) {
  const std::vector<TensorSlice> slices{{"a", 0, 4, {}}, {"b", 4, 2, {}}};
  Qsgd c(options_of(1), setup_of(slices, 1, 2, /*slots=*/2));
  // One nonzero per tensor: r = s exactly, so the messages are known whatever the draws.
  c.encode(0, vec({0.f, 0.f, 3.f, 0.f, 0.f, 2.f}), 0);
  c.encode(1, vec({-1.f, 0.f, 0.f, 0.f, -5.f, 0.f}), 1);
  EXPECT_TRUE(same(decoded(c, 0, 6), vec({0.f, 0.f, 3.f, 0.f, 0.f, 2.f})));
  EXPECT_TRUE(same(decoded(c, 1, 6), vec({-1.f, 0.f, 0.f, 0.f, -5.f, 0.f})));
}

TEST(Qsgd, RejectsBadOptionsSetupAndInput) {
  const std::vector<TensorSlice> slices{{"a", 0, 4, {}}, {"b", 4, 2, {}}};
  EXPECT_THROW(Qsgd(options_of(0), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(-3), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(Qsgd::kMaxLevels + 1), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(4, -1), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(4), setup_of(slices, 1, /*workers=*/0)), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(4), setup_of({})), std::invalid_argument);
  EXPECT_THROW(Qsgd(options_of(4), setup_of({{"a", 0, 4, {}}, {"b", 5, 2, {}}})),
               std::invalid_argument);
  try {
    Qsgd(options_of(0), setup_of(slices));
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("qsgd: levels"), std::string::npos) << e.what();
  }
  Qsgd ok(options_of(Qsgd::kMaxLevels, 1), setup_of(slices));
  Qsgd c(options_of(4), setup_of(slices));
  EXPECT_THROW(c.encode(2, torch::zeros({6}), 0), std::logic_error);
  EXPECT_THROW(c.encode(-1, torch::zeros({6}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({5}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({6}, torch::kFloat64), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::zeros({6}), 1), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
