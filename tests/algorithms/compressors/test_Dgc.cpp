#include "algorithms/compressors/Dgc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/TopK.h"
#include "tests/algorithms/TestSupport.h"
#include "tests/algorithms/compressors/CompressorTestSupport.h"

namespace sasgsim {
namespace {

using test::compressor_setup;
using test::ivec;
using test::same;
using test::sorted;
using test::vec;

CompressorOptions dgc(double density, double momentum, double clip_norm = 0.0,
                      int64_t warmup = 0, TopkScope scope = TopkScope::kPerTensor) {
  CompressorOptions options;
  options.kind = CompressorKind::kDgc;
  options.density = density;
  options.momentum = momentum;
  options.clip_norm = clip_norm;
  options.warmup_iterations = warmup;
  options.scope = scope;
  return options;
}

CompressorSetup setup_of(std::vector<TensorSlice> slices, int workers = 1, int slots = 1) {
  return compressor_setup(std::move(slices), workers, 0, slots);
}

torch::Tensor decoded(const Dgc& c, int slot) {
  torch::Tensor out = torch::empty({c.numel()});
  c.decode_into(slot, out);
  return out;
}

TEST(Dgc, HandExampleOverThreeCalls) {
  // n = 4, momentum 0.5, density 0.25: k = 1. Each message: 1 value, 16 + 8 = 24 bytes.
  Dgc c(dgc(0.25, 0.5), setup_of({{"x", 0, 4, {}}}));
  c.begin_iteration(0, 0.1);
  // Call 1: p = (1, -2, 0.5, 0.25). u = p, v = u = (1, -2, 0.5, 0.25); top-1 |v|: entry 1 (-2).
  // Masking: v = (1, 0, 0.5, 0.25), u = (1, 0, 0.5, 0.25).
  const torch::Tensor p1 = vec({1, -2, 0.5, 0.25});
  const torch::Tensor before = p1.clone();
  Encoded e = c.encode(0, p1, 0);
  EXPECT_EQ(e.values, 1);
  EXPECT_EQ(e.payload_bytes, 24);
  EXPECT_TRUE(same(p1, before)) << "encode must not modify p";
  EXPECT_TRUE(same(c.indices(0), ivec({1})));
  EXPECT_TRUE(same(decoded(c, 0), vec({0, -2, 0, 0})));
  EXPECT_TRUE(same(c.accumulator(0), vec({1, 0, 0.5, 0.25})));
  EXPECT_TRUE(same(c.momentum(0), vec({1, 0, 0.5, 0.25})));
  // Call 2: p = (1, 1, -1, 0.5). u = 0.5 u + p = (1.5, 1, -0.75, 0.625);
  // v = v + u = (2.5, 1, -0.25, 0.875); top-1: entry 0 (2.5).
  // Masking: v = (0, 1, -0.25, 0.875), u = (0, 1, -0.75, 0.625).
  c.begin_iteration(1, 0.1);
  e = c.encode(0, vec({1, 1, -1, 0.5}), 0);
  EXPECT_EQ(e.values, 1);
  EXPECT_TRUE(same(decoded(c, 0), vec({2.5, 0, 0, 0})));
  EXPECT_TRUE(same(c.accumulator(0), vec({0, 1, -0.25, 0.875})));
  EXPECT_TRUE(same(c.momentum(0), vec({0, 1, -0.75, 0.625})));
  // Call 3: p = (0.5, 0, -2, 0). u = (0.5, 0.5, -2.375, 0.3125);
  // v = (0.5, 1.5, -2.625, 1.1875); top-1: entry 2 (-2.625).
  // Masking: v = (0.5, 1.5, 0, 1.1875), u = (0.5, 0.5, 0, 0.3125).
  c.begin_iteration(2, 0.1);
  c.encode(0, vec({0.5, 0, -2, 0}), 0);
  EXPECT_TRUE(same(decoded(c, 0), vec({0, 0, -2.625, 0})));
  EXPECT_TRUE(same(c.accumulator(0), vec({0.5, 1.5, 0, 1.1875})));
  EXPECT_TRUE(same(c.momentum(0), vec({0.5, 0.5, 0, 0.3125})));
  EXPECT_EQ(c.held(0).value_bytes, 4);
  EXPECT_EQ(c.held(0).index_bytes, 4);
}

TEST(Dgc, HandExampleTwoSlicesPerTensorAndGlobal) {
  // a = entries 0..2, b = entries 3..4; density 0.5: k_a = 1, k_b = 1; momentum 0.
  const std::vector<TensorSlice> slices{{"a", 0, 3, {}}, {"b", 3, 2, {}}};
  Dgc c(dgc(0.5, 0.0), setup_of(slices));
  c.begin_iteration(0, 1.0);
  // v = p = (1, -3, 2 | 0.5, -0.25): a sends entry 1 (-3), b entry 3 (0.5); 16 + 2 * 8 = 32.
  Encoded e = c.encode(0, vec({1, -3, 2, 0.5, -0.25}), 0);
  EXPECT_EQ(e.values, 2);
  EXPECT_EQ(e.payload_bytes, 32);
  EXPECT_TRUE(same(decoded(c, 0), vec({0, -3, 0, 0.5, 0})));
  EXPECT_TRUE(same(c.accumulator(0), vec({1, 0, 2, 0, -0.25})));
  // Next p = 1 everywhere: u = p, v = (2, 1, 3 | 1, 0.75): a sends entry 2, b entry 3.
  c.encode(0, torch::ones({5}), 0);
  EXPECT_TRUE(same(decoded(c, 0), vec({0, 0, 3, 1, 0})));
  // Global scope, k = floor(0.5 * 5) = 2: entries 1 (-3) and 2 (2) over the whole vector.
  Dgc g(dgc(0.5, 0.0, 0.0, 0, TopkScope::kGlobal), setup_of(slices));
  g.begin_iteration(0, 1.0);
  e = g.encode(0, vec({1, -3, 2, 0.5, -0.25}), 0);
  EXPECT_EQ(e.values, 2);
  EXPECT_TRUE(same(decoded(g, 0), vec({0, -3, 2, 0, 0})));
}

// DGC by scalar loops over std::vector<float>, per worker.
struct ReferenceDgc {
  std::vector<TensorSlice> slices;
  float momentum;
  double clip_norm;
  int workers;
  std::vector<std::vector<float>> u, v;

  // Returns the decoded message (dense) of one encode at the given k per slice.
  std::vector<float> encode(int worker, std::vector<float> p, double lr,
                            const std::vector<int64_t>& kept) {
    std::vector<float>& uw = u[worker];
    std::vector<float>& vw = v[worker];
    if (clip_norm > 0.0) {
      double norm = 0.0;
      for (float x : p) norm += double(x) * x;
      norm = std::sqrt(norm);
      const double bound = lr * clip_norm / std::sqrt(double(workers));
      if (norm > bound) {
        for (float& x : p) x = float(x * (bound / norm));
      }
    }
    for (size_t i = 0; i < p.size(); ++i) {
      uw[i] = uw[i] * momentum;
      uw[i] = uw[i] + p[i];
      vw[i] = vw[i] + uw[i];
    }
    std::vector<float> message(p.size(), 0.0f);
    for (size_t s = 0; s < slices.size(); ++s) {
      std::vector<int64_t> order(static_cast<size_t>(slices[s].numel));
      std::iota(order.begin(), order.end(), slices[s].offset);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return std::abs(vw[a]) > std::abs(vw[b]);
      });
      for (int64_t j = 0; j < kept[s]; ++j) {
        const int64_t i = order[j];
        message[i] = vw[i];
        vw[i] = 0.0f;
        uw[i] = 0.0f;
      }
    }
    return message;
  }
};

std::vector<float> values_of(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

::testing::AssertionResult near(const torch::Tensor& actual, const std::vector<float>& expected) {
  const std::vector<float> a = values_of(actual);
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - expected[i]) <= 1e-6f * (1.0f + std::abs(expected[i])))) {
      return ::testing::AssertionFailure() << "entry " << i << ": " << a[i] << " vs " << expected[i];
    }
  }
  return ::testing::AssertionSuccess();
}

void run_against_reference(double clip_norm) {
  // Slices of 30 and 20 entries, density 0.1: k = 3 + 2; warm-up W = 4 with stage densities
  // max(0.25, 0.1), then 0.1: k = 7 + 5 at t = 0, then 3 + 2.
  const std::vector<TensorSlice> slices{{"a", 0, 30, {}}, {"b", 30, 20, {}}};
  Dgc c(dgc(0.1, 0.9, clip_norm, 4), setup_of(slices, 2));
  ReferenceDgc ref{slices, 0.9f, clip_norm, 2,
                   std::vector<std::vector<float>>(2, std::vector<float>(50, 0.0f)),
                   std::vector<std::vector<float>>(2, std::vector<float>(50, 0.0f))};
  torch::manual_seed(3);
  for (int64_t t = 0; t < 8; ++t) {
    const double lr = 0.1 / double(t + 1);
    c.begin_iteration(t, lr);
    const std::vector<int64_t> kept = t == 0 ? std::vector<int64_t>{7, 5} : std::vector<int64_t>{3, 2};
    for (int worker = 0; worker < 2; ++worker) {
      SCOPED_TRACE("t " + std::to_string(t) + " worker " + std::to_string(worker));
      const torch::Tensor p = torch::randn({50}) * lr;
      const Encoded e = c.encode(worker, p, 0);
      EXPECT_EQ(e.values, kept[0] + kept[1]);
      EXPECT_TRUE(near(decoded(c, 0), ref.encode(worker, values_of(p), lr, kept)));
      EXPECT_TRUE(near(c.momentum(worker), ref.u[worker]));
      EXPECT_TRUE(near(c.accumulator(worker), ref.v[worker]));
    }
  }
}

TEST(Dgc, MatchesReferenceWithTwoWorkers) { run_against_reference(0.0); }

TEST(Dgc, MatchesReferenceWithClipping) {
  // clip_norm 1, M = 2: ||g|| = ||randn(50)|| ~ 7 > 1 / sqrt(2), so every call clips.
  run_against_reference(1.0);
}

TEST(Dgc, WarmUpDensitySchedule) {
  // W = 8, n = 1000, density 0.001: stage floor(4 t / 8) = floor(t / 2) with densities
  // 0.25, 0.0625, 0.015625, 0.00390625: k = 250, 62 (62.5), 15 (15.625), 3 (3.90625),
  // then max(1, floor(1)) = 1.
  Dgc c(dgc(0.001, 0.9, 0.0, 8), setup_of({{"x", 0, 1000, {}}}));
  const std::vector<int64_t> expected{250, 250, 62, 62, 15, 15, 3, 3, 1, 1, 1};
  for (int64_t t = 0; t < static_cast<int64_t>(expected.size()); ++t) {
    EXPECT_EQ(c.kept_at(t), expected[static_cast<size_t>(t)]) << "t " << t;
    EXPECT_EQ(c.kept_at(t), TopK::kept_count(c.density_at(t), 1000));
  }
  EXPECT_DOUBLE_EQ(c.density_at(100), 0.001);
  // encode follows the schedule and the slot narrows from 250 to 1.
  for (int64_t t = 0; t < 10; ++t) {
    c.begin_iteration(t, 0.1);
    const Encoded e = c.encode(0, torch::randn({1000}), 0);
    EXPECT_EQ(e.values, expected[static_cast<size_t>(t)]);
    EXPECT_EQ(e.payload_bytes, 16 + 8 * expected[static_cast<size_t>(t)]);
    EXPECT_EQ(c.indices(0).numel(), expected[static_cast<size_t>(t)]);
    EXPECT_EQ(c.held(0).value_bytes, 4 * expected[static_cast<size_t>(t)]);
  }
}

TEST(Dgc, WarmUpNeverGoesBelowTheDensityAndSkipsShortStages) {
  Dgc c(dgc(0.1, 0.9, 0.0, 4), setup_of({{"x", 0, 100, {}}}));
  EXPECT_DOUBLE_EQ(c.density_at(0), 0.25);
  EXPECT_DOUBLE_EQ(c.density_at(1), 0.1);  // max(0.0625, 0.1)
  EXPECT_DOUBLE_EQ(c.density_at(3), 0.1);
  EXPECT_EQ(c.kept_at(0), 25);
  // W = 2: t = 0 in stage 0, t = 1 in stage floor(4 / 2) = 2.
  Dgc s(dgc(0.001, 0.9, 0.0, 2), setup_of({{"x", 0, 1000, {}}}));
  EXPECT_EQ(s.kept_at(0), 250);
  EXPECT_EQ(s.kept_at(1), 15);
  EXPECT_EQ(s.kept_at(2), 1);
  // No warm-up: the density from the start.
  Dgc none(dgc(0.01, 0.9), setup_of({{"x", 0, 1000, {}}}));
  EXPECT_EQ(none.kept_at(0), 10);
}

TEST(Dgc, ClippingScalesToTheBoundAndLeavesShortVectorsAlone) {
  // lr 0.5, clip_norm 2, M = 4: bound = 0.5 * 2 / sqrt(4) = 0.5. Momentum 0, density 1, so
  // the message is the clipped p.
  Dgc c(dgc(1.0, 0.0, 2.0), setup_of({{"x", 0, 4, {}}}, 4));
  c.begin_iteration(0, 0.5);
  const torch::Tensor long_p = vec({3, 4, 0, 0});  // norm 5 -> scaled by 0.1
  c.encode(0, long_p, 0);
  EXPECT_TRUE(torch::allclose(decoded(c, 0), vec({0.3f, 0.4f, 0, 0}), 1e-6, 1e-7));
  EXPECT_NEAR(decoded(c, 0).norm().item<double>(), 0.5, 1e-6);
  EXPECT_TRUE(same(long_p, vec({3, 4, 0, 0}))) << "encode must not modify p";
  const torch::Tensor short_p = vec({0.1f, -0.2f, 0, 0.3f});  // norm 0.374 < 0.5
  c.encode(1, short_p, 0);
  EXPECT_TRUE(same(decoded(c, 0), short_p));
  c.encode(2, torch::zeros({4}), 0);  // a zero p stays zero (no NaN)
  EXPECT_TRUE(same(decoded(c, 0), torch::zeros({4})));
  // Clipping needs the lr.
  Dgc no_lr(dgc(1.0, 0.0, 2.0), setup_of({{"x", 0, 4, {}}}));
  EXPECT_THROW(no_lr.encode(0, long_p, 0), std::logic_error);
}

TEST(Dgc, ErrorFeedbackZeroesTheSentPositions) {
  Dgc c(dgc(0.5, 0.9), setup_of({{"x", 0, 6, {}}}, 1, 2));
  c.begin_iteration(0, 1.0);
  const torch::Tensor p = vec({1, -5, 2, 0.5, 4, -0.25});
  torch::Tensor e = p.clone();
  c.encode(0, e, 1);  // first call: v = p; k = 3 sends entries 1, 4, 2
  EXPECT_TRUE(same(sorted(c.indices(1)), ivec({1, 2, 4})));
  c.subtract_decoded(1, e);
  EXPECT_TRUE(same(e, p - decoded(c, 1)));
  EXPECT_TRUE(same(e, vec({1, 0, 0, 0.5, 0, -0.25})));
  torch::Tensor out = torch::ones({6});
  c.add_decoded(1, out);
  EXPECT_TRUE(same(out, vec({1, -4, 3, 1, 5, 1})));
}

TEST(Dgc, WorkersKeepSeparateStateAndRunsRepeat) {
  const std::vector<TensorSlice> slices{{"a", 0, 30, {}}, {"b", 30, 20, {}}};
  Dgc a(dgc(0.1, 0.9), setup_of(slices, 2));
  Dgc b(dgc(0.1, 0.9), setup_of(slices, 2));
  torch::manual_seed(5);
  for (int64_t t = 0; t < 3; ++t) {
    a.begin_iteration(t, 0.1);
    b.begin_iteration(t, 0.1);
    const torch::Tensor p = torch::randn({50});
    a.encode(0, p, 0);
    b.encode(0, p, 0);
    EXPECT_TRUE(same(decoded(a, 0), decoded(b, 0)));
    EXPECT_TRUE(same(a.accumulator(0), b.accumulator(0)));
  }
  // Worker 1 never encoded: its state is still zero, and its first message is T_k(p).
  EXPECT_TRUE(same(a.momentum(1), torch::zeros({50})));
  EXPECT_TRUE(same(a.accumulator(1), torch::zeros({50})));
  const torch::Tensor p = torch::randn({50});
  a.encode(1, p, 0);
  b.encode(0, p, 0);
  EXPECT_FALSE(torch::equal(decoded(a, 0), decoded(b, 0)));
}

TEST(Dgc, BadOptionsThrow) {
  const std::vector<TensorSlice> slices{{"x", 0, 10, {}}};
  EXPECT_THROW(Dgc(dgc(0.0, 0.9), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(1.5, 0.9), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 1.0), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, -0.1), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9, -1.0), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9, std::numeric_limits<double>::infinity()), setup_of(slices)),
               std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9, 0.0, -1), setup_of(slices)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9, 0.0, 0, static_cast<TopkScope>(7)), setup_of(slices)),
               std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9), setup_of(slices, 0)), std::invalid_argument);
  EXPECT_THROW(Dgc(dgc(0.1, 0.9), setup_of({{"x", 2, 10, {}}})), std::invalid_argument);
  Dgc c(dgc(0.1, 0.9), setup_of(slices));
  EXPECT_THROW(c.begin_iteration(-1, 0.1), std::logic_error);
  EXPECT_THROW(c.begin_iteration(0, 0.0), std::logic_error);
  EXPECT_THROW(c.encode(1, torch::randn({10}), 0), std::logic_error);
  EXPECT_THROW(c.encode(0, torch::randn({9}), 0), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
