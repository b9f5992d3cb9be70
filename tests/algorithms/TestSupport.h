// Small helpers shared by the algorithm tests: literal float vectors, exact tensor
// comparison with readable failures, and iteration contexts.
#pragma once

#include <initializer_list>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"

namespace sasgsim::test {

inline torch::Tensor vec(std::initializer_list<float> values) {
  return torch::tensor(std::vector<float>(values), torch::kFloat32);
}

inline torch::Tensor ivec(std::initializer_list<int64_t> values) {
  return torch::tensor(std::vector<int64_t>(values), torch::kInt64);
}

// Exact equality (same dtype, shape and values), printing both sides on failure.
inline ::testing::AssertionResult same(const torch::Tensor& actual, const torch::Tensor& expected) {
  if (actual.scalar_type() == expected.scalar_type() && actual.sizes() == expected.sizes() &&
      torch::equal(actual, expected)) {
    return ::testing::AssertionSuccess();
  }
  std::ostringstream os;
  os << "\nactual:   " << actual.reshape({-1}) << "\nexpected: " << expected.reshape({-1});
  return ::testing::AssertionFailure() << os.str();
}

// Sorted copy, for index sets whose order inside a slice is unspecified.
inline torch::Tensor sorted(const torch::Tensor& t) { return std::get<0>(t.sort()); }

inline IterationContext context(int64_t t, double lr, const torch::Tensor& theta,
                                double threshold_lr = 0.0) {
  IterationContext ctx;
  ctx.iteration = t;
  ctx.lr = lr;
  ctx.threshold_lr = threshold_lr;
  ctx.theta = theta;
  return ctx;
}

}  // namespace sasgsim::test
