#include "algorithms/compressors/PowerSgd.h"

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
using test::same;
using test::vec;

CompressorOptions powersgd(int64_t rank, bool warm_start = true) {
  CompressorOptions options;
  options.kind = CompressorKind::kPowerSgd;
  options.rank = rank;
  options.warm_start = warm_start;
  return options;
}

CompressorSetup setup_of(std::vector<TensorSlice> slices, int workers = 1, uint64_t seed = 7,
                         int slots = 1) {
  return compressor_setup(std::move(slices), workers, seed, slots);
}

std::vector<float> values_of(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kFloat32);
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Element-wise |actual - expected| <= tolerance (1 + |expected|), printing both on failure.
::testing::AssertionResult close(const torch::Tensor& actual, const std::vector<double>& expected,
                                 double tolerance = 1e-4) {
  const std::vector<float> a = values_of(actual);
  if (a.size() != expected.size()) {
    return ::testing::AssertionFailure() << "size " << a.size() << " != " << expected.size();
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - expected[i]) <= tolerance * (1.0 + std::abs(expected[i])))) {
      return ::testing::AssertionFailure()
             << "entry " << i << ": " << a[i] << " vs expected " << expected[i];
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult close(const torch::Tensor& actual, const torch::Tensor& expected,
                                 double tolerance = 1e-4) {
  const std::vector<float> e = values_of(expected);
  return close(actual, std::vector<double>(e.begin(), e.end()), tolerance);
}

// The outer product u v^T, flattened row-major.
torch::Tensor outer(std::initializer_list<float> u, std::initializer_list<float> v) {
  return torch::outer(vec(u), vec(v)).reshape({-1});
}

// One PowerSGD step by scalar loops in double: P = M Q, modified Gram-Schmidt with the same
// dependent-column rule, Q' = M^T P, decoded = P Q'^T; the next Q keeps the old columns that
// were dropped.
struct ReferenceStep {
  std::vector<double> decoded;  // [rows * cols]
  std::vector<double> q_next;   // [cols * r]
};

ReferenceStep reference_step(const std::vector<float>& m, int64_t rows, int64_t cols,
                             const std::vector<float>& q, int64_t r) {
  std::vector<double> p(static_cast<size_t>(rows * r), 0.0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t c = 0; c < r; ++c)
      for (int64_t j = 0; j < cols; ++j) p[i * r + c] += double(m[i * cols + j]) * q[j * r + c];
  std::vector<double> kept(static_cast<size_t>(r), 1.0);
  std::vector<double> original(static_cast<size_t>(r), 0.0);
  for (int64_t c = 0; c < r; ++c)
    for (int64_t i = 0; i < rows; ++i) original[c] += p[i * r + c] * p[i * r + c];
  for (int64_t c = 0; c < r; ++c) {
    double norm = 0.0;
    for (int64_t i = 0; i < rows; ++i) norm += p[i * r + c] * p[i * r + c];
    norm = std::sqrt(norm);
    const bool independent = norm > std::sqrt(original[c]) * PowerSgd::kDependentTolerance;
    kept[c] = independent ? 1.0 : 0.0;
    for (int64_t i = 0; i < rows; ++i) p[i * r + c] = independent ? p[i * r + c] / norm : 0.0;
    for (int64_t d = c + 1; d < r; ++d) {
      double dot = 0.0;
      for (int64_t i = 0; i < rows; ++i) dot += p[i * r + c] * p[i * r + d];
      for (int64_t i = 0; i < rows; ++i) p[i * r + d] -= dot * p[i * r + c];
    }
  }
  ReferenceStep step{std::vector<double>(static_cast<size_t>(rows * cols), 0.0),
                     std::vector<double>(static_cast<size_t>(cols * r), 0.0)};
  std::vector<double> q_new(static_cast<size_t>(cols * r), 0.0);
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t c = 0; c < r; ++c)
      for (int64_t i = 0; i < rows; ++i) q_new[j * r + c] += double(m[i * cols + j]) * p[i * r + c];
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      for (int64_t c = 0; c < r; ++c) step.decoded[i * cols + j] += p[i * r + c] * q_new[j * r + c];
  for (int64_t k = 0; k < cols * r; ++k) step.q_next[k] = q_new[k] + (1.0 - kept[k % r]) * q[k];
  return step;
}

// Checks one encode of `worker` against the reference, matrix by matrix and for the dense
// tensors, starting from the compressor's current Q; with warm start also the Q kept.
void expect_matches_reference(PowerSgd& c, const std::vector<TensorSlice>& slices, int worker,
                              const torch::Tensor& p, bool warm_start = true) {
  std::vector<std::vector<float>> q_before;
  for (size_t i = 0; i < c.matrices().size(); ++i) q_before.push_back(values_of(c.q(worker, i)));
  c.encode(worker, p, 0);
  const torch::Tensor& message = c.message(0);
  size_t matrix = 0;
  for (const TensorSlice& s : slices) {
    const torch::Tensor part = message.narrow(0, s.offset, s.numel);
    if (s.shape.size() < 2) {
      EXPECT_TRUE(same(part, p.narrow(0, s.offset, s.numel))) << s.name;
      continue;
    }
    const PowerSgdMatrix& m = c.matrices()[matrix];
    const ReferenceStep step = reference_step(values_of(p.narrow(0, s.offset, s.numel)), m.rows,
                                              m.cols, q_before[matrix], m.rank);
    EXPECT_TRUE(close(part, step.decoded)) << s.name;
    if (warm_start) {
      EXPECT_TRUE(close(c.q(worker, matrix), step.q_next)) << s.name;
    }
    ++matrix;
  }
}

TEST(PowerSgd, HandExampleRankOneMatrixAndBias) {
  // w = (1, 2)^T (1, 2, 3) = [[1, 2, 3], [2, 4, 6]] (rank 1), b = (5, -1).
  // r = 1: P = M q = (1, 2)^T (q . (1, 2, 3)) -> +-(1, 2) / sqrt(5); Q = M^T P = +-sqrt(5) (1, 2, 3);
  // P Q^T = M for either sign. Wire: 16 + 4 * 1 * (2 + 3) + 4 * 2 = 44 bytes, 5 + 2 = 7 values.
  const std::vector<TensorSlice> slices{{"w", 0, 6, {2, 3}}, {"b", 6, 2, {}}};
  PowerSgd c(powersgd(1), setup_of(slices));
  const torch::Tensor p = vec({1, 2, 3, 2, 4, 6, 5, -1});
  const torch::Tensor before = p.clone();
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 7);
  EXPECT_EQ(e.payload_bytes, 44);
  EXPECT_TRUE(close(c.message(0), p, 1e-5));
  EXPECT_TRUE(same(c.message(0).narrow(0, 6, 2), vec({5, -1})));
  EXPECT_TRUE(same(p, before)) << "encode must not modify p";
  EXPECT_EQ(c.held(0).value_bytes, 4 * 8);
  EXPECT_EQ(c.held(0).index_bytes, 0);
}

TEST(PowerSgd, RankOneMatrixIsReconstructedWithRankOne) {
  const std::vector<TensorSlice> slices{{"w", 0, 12, {4, 3}}};
  PowerSgd c(powersgd(1), setup_of(slices));
  const torch::Tensor p = outer({1, 2, -1, 3}, {2, -1, 0.5});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 1 * (4 + 3));
  EXPECT_EQ(e.payload_bytes, 16 + 4 * 7);
  EXPECT_TRUE(close(c.message(0), p, 1e-5));
}

TEST(PowerSgd, RankTwoMatrixIsReconstructedWithRankTwo) {
  const std::vector<TensorSlice> slices{{"w", 0, 20, {5, 4}}};
  PowerSgd c(powersgd(2), setup_of(slices));
  const torch::Tensor p = outer({1, 2, -1, 3, 0.5}, {2, -1, 0.5, 1}) +
                          outer({0, 1, 1, -2, 1}, {1, 3, -1, 0});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 2 * (5 + 4));
  EXPECT_EQ(e.payload_bytes, 16 + 4 * 18);
  EXPECT_TRUE(close(c.message(0), p, 1e-5));
  // Rank 1 cannot carry it: the test can tell a rank-2 approximation from a rank-1 one.
  PowerSgd one(powersgd(1), setup_of(slices));
  one.encode(0, p, 0);
  EXPECT_FALSE(close(one.message(0), p, 1e-3));
}

TEST(PowerSgd, VectorSlicePassesUnchangedAndPayloadCountsIt) {
  // w (3, 4) at r = 2: 2 * (3 + 4) = 14 values; b (3) dense: 3 values.
  // 16 + 4 * 2 * (3 + 4) + 4 * 3 = 84 bytes.
  const std::vector<TensorSlice> slices{{"w", 0, 12, {3, 4}}, {"b", 12, 3, {3}}};
  PowerSgd c(powersgd(2), setup_of(slices));
  const torch::Tensor p = torch::randn({15});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 17);
  EXPECT_EQ(e.payload_bytes, 84);
  EXPECT_TRUE(same(c.message(0).narrow(0, 12, 3), p.narrow(0, 12, 3)));
}

TEST(PowerSgd, RankIsClampedPerMatrix) {
  // rank 4: a (2, 5) gets r = 2, c (3, 6) gets r = 3, d (8, 8) keeps 4.
  const std::vector<TensorSlice> slices{
      {"a", 0, 10, {2, 5}}, {"c", 10, 18, {3, 6}}, {"d", 28, 64, {8, 8}}};
  PowerSgd c(powersgd(4), setup_of(slices));
  ASSERT_EQ(c.matrices().size(), 3u);
  EXPECT_EQ(c.matrices()[0].rank, 2);
  EXPECT_EQ(c.matrices()[1].rank, 3);
  EXPECT_EQ(c.matrices()[2].rank, 4);
  EXPECT_EQ(c.q(0, 0).sizes(), (std::vector<int64_t>{5, 2}));
  const torch::Tensor p = torch::randn({92});
  const Encoded e = c.encode(0, p, 0);
  EXPECT_EQ(e.values, 2 * 7 + 3 * 9 + 4 * 16);
  EXPECT_EQ(e.payload_bytes, 16 + 4 * (2 * 7 + 3 * 9 + 4 * 16));
  // r = rows: P spans the whole column space, so a and c come back exactly.
  EXPECT_TRUE(close(c.message(0).narrow(0, 0, 28), p.narrow(0, 0, 28), 1e-4));
  EXPECT_FALSE(close(c.message(0).narrow(0, 28, 64), p.narrow(0, 28, 64), 1e-3));
}

TEST(PowerSgd, ConvKernelIsAMatrixOfOutputChannelRows) {
  // (out 4, in 2, 3, 3): rows 4, cols 18; r = 2: 2 * 22 values.
  const std::vector<TensorSlice> slices{{"conv", 0, 72, {4, 2, 3, 3}}, {"b", 72, 4, {}}};
  PowerSgd c(powersgd(2), setup_of(slices));
  ASSERT_EQ(c.matrices().size(), 1u);
  EXPECT_EQ(c.matrices()[0].rows, 4);
  EXPECT_EQ(c.matrices()[0].cols, 18);
  const Encoded e = c.encode(0, torch::randn({76}), 0);
  EXPECT_EQ(e.values, 2 * 22 + 4);
  EXPECT_EQ(e.payload_bytes, 16 + 4 * (2 * 22 + 4));
}

const std::vector<TensorSlice> kModel{
    {"conv", 0, 72, {4, 2, 3, 3}}, {"fc", 72, 30, {6, 5}}, {"b", 102, 5, {}}};

TEST(PowerSgd, MatchesReferenceOverWarmStartedSteps) {
  PowerSgd c(powersgd(3), setup_of(kModel, 2));
  torch::manual_seed(11);
  for (int step = 0; step < 3; ++step) {
    for (int worker = 0; worker < 2; ++worker) {
      SCOPED_TRACE("step " + std::to_string(step) + " worker " + std::to_string(worker));
      expect_matches_reference(c, kModel, worker, torch::randn({107}));
    }
  }
}

TEST(PowerSgd, WarmStartReusesTheLastQ) {
  PowerSgd c(powersgd(2), setup_of(kModel));
  const torch::Tensor p = torch::randn({107});
  const std::vector<float> q0 = values_of(c.q(0, 1));
  c.encode(0, p, 0);
  // q(0, 1) is now M^T P of the fc matrix, which the next encode starts from.
  const ReferenceStep first = reference_step(values_of(p.narrow(0, 72, 30)), 6, 5, q0, 2);
  EXPECT_TRUE(close(c.q(0, 1), first.q_next));
  const torch::Tensor p2 = torch::randn({107});
  c.encode(0, p2, 0);
  std::vector<float> q1(first.q_next.begin(), first.q_next.end());
  const ReferenceStep second = reference_step(values_of(p2.narrow(0, 72, 30)), 6, 5, q1, 2);
  EXPECT_TRUE(close(c.message(0).narrow(0, 72, 30), second.decoded));
}

TEST(PowerSgd, WithoutWarmStartEveryEncodeStartsFromAFreshQ) {
  PowerSgd c(powersgd(2, /*warm_start=*/false), setup_of(kModel));
  const torch::Tensor p = torch::randn({107});
  const std::vector<float> q0 = values_of(c.q(0, 1));
  c.encode(0, p, 0);
  const ReferenceStep first = reference_step(values_of(p.narrow(0, 72, 30)), 6, 5, q0, 2);
  EXPECT_TRUE(close(c.message(0).narrow(0, 72, 30), first.decoded));
  EXPECT_FALSE(close(c.q(0, 1), first.q_next, 1e-2)) << "Q must be redrawn, not M^T P";
  EXPECT_FALSE(close(c.q(0, 1), std::vector<double>(q0.begin(), q0.end()), 1e-2));
  // The next encode starts from the fresh Q.
  expect_matches_reference(c, kModel, 0, torch::randn({107}), /*warm_start=*/false);
}

TEST(PowerSgd, DependentColumnsAreDroppedWithoutNaN) {
  // A rank-1 matrix at r = 2: P's second column is in the span of the first.
  const std::vector<TensorSlice> slices{{"w", 0, 12, {4, 3}}};
  PowerSgd c(powersgd(2), setup_of(slices));
  const torch::Tensor q0 = c.q(0, 0).clone();
  const torch::Tensor p = outer({1, 2, -1, 3}, {2, -1, 0.5});
  c.encode(0, p, 0);
  EXPECT_TRUE(close(c.message(0), p, 1e-5));
  // The dropped column keeps its Q for the next warm start.
  EXPECT_TRUE(same(c.q(0, 0).select(1, 1), q0.select(1, 1)));
  // A zero matrix: zero message, no NaN, Q unchanged.
  c.encode(0, torch::zeros({12}), 0);
  EXPECT_TRUE(same(c.message(0), torch::zeros({12})));
  EXPECT_FALSE(torch::isnan(c.q(0, 0)).any().item<bool>());
  // A full-rank matrix afterwards uses both columns again (matches the reference).
  expect_matches_reference(c, slices, 0, torch::randn({12}));
}

TEST(PowerSgd, DecodeAddAndErrorFeedback) {
  PowerSgd c(powersgd(1), setup_of(kModel, 1, 7, 2));
  const torch::Tensor p = torch::randn({107});
  c.encode(0, p, 1);
  const torch::Tensor decoded = c.message(1).clone();
  EXPECT_FALSE(close(decoded, p, 1e-3)) << "rank 1 must lose something";
  torch::Tensor out = torch::full({107}, 3.0f);
  c.decode_into(1, out);
  EXPECT_TRUE(same(out, decoded));
  c.add_decoded(1, out);
  EXPECT_TRUE(same(out, decoded * 2));
  torch::Tensor e = p.clone();
  c.encode(0, e, 0);
  c.subtract_decoded(0, e);
  EXPECT_TRUE(same(e, p - c.message(0)));
}

TEST(PowerSgd, SeedingIsReproducibleAndDiffersByWorkerAndSeed) {
  const torch::Tensor p = torch::randn({107});
  PowerSgd a(powersgd(2), setup_of(kModel, 2, 5));
  PowerSgd b(powersgd(2), setup_of(kModel, 2, 5));
  PowerSgd other_seed(powersgd(2), setup_of(kModel, 2, 6));
  EXPECT_TRUE(same(a.q(0, 0), b.q(0, 0)));
  EXPECT_FALSE(torch::equal(a.q(0, 0), a.q(1, 0)));
  EXPECT_FALSE(torch::equal(a.q(0, 0), other_seed.q(0, 0)));
  a.encode(0, p, 0);
  b.encode(0, p, 0);
  EXPECT_TRUE(same(a.message(0), b.message(0)));
  EXPECT_TRUE(same(a.q(0, 1), b.q(0, 1)));
  // Rank 2 of a 6 x 5 matrix depends on the start: other workers and seeds differ.
  other_seed.encode(0, p, 0);
  EXPECT_FALSE(torch::equal(a.message(0), other_seed.message(0)));
  b.encode(1, p, 0);
  EXPECT_FALSE(torch::equal(a.message(0), b.message(0)));
}

TEST(PowerSgd, BadOptionsThrow) {
  EXPECT_THROW(PowerSgd(powersgd(0), setup_of(kModel)), std::invalid_argument);
  EXPECT_THROW(PowerSgd(powersgd(-2), setup_of(kModel)), std::invalid_argument);
  EXPECT_THROW(PowerSgd(powersgd(1), setup_of(kModel, 0)), std::invalid_argument);
  // A shape that does not multiply to the slice's numel.
  EXPECT_THROW(PowerSgd(powersgd(1), setup_of({{"w", 0, 12, {5, 3}}})), std::invalid_argument);
  // Slices that do not tile [0, n).
  EXPECT_THROW(PowerSgd(powersgd(1), setup_of({{"w", 1, 12, {4, 3}}})), std::invalid_argument);
  PowerSgd c(powersgd(1), setup_of(kModel));
  EXPECT_THROW(c.encode(1, torch::randn({107}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::randn({106}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::randn({107}), 1), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
