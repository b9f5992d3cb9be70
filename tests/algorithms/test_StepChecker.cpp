#include "algorithms/StepChecker.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/algorithms/TestSupport.h"

namespace sasgsim {
namespace {

using test::context;

TEST(StepChecker, FlatNumelRequiresSlicesTilingTheVector) {
  EXPECT_EQ(checked_flat_numel({{"a", 0, 4}, {"b", 4, 2}}, "x"), 6);
  EXPECT_THROW(checked_flat_numel({}, "x"), std::invalid_argument);
  EXPECT_THROW(checked_flat_numel({{"a", 0, 0}}, "x"), std::invalid_argument);
  try {
    checked_flat_numel({{"a", 0, 4}, {"b", 3, 2}}, "sasg");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "sasg: parameter slice b covers [3, 5), expected a non-empty slice starting at 4");
  }
}

TEST(StepChecker, TracksOneIterationAtATime) {
  StepChecker c("algo", 2, 3, torch::kCPU);
  const torch::Tensor v = torch::zeros({3});
  EXPECT_EQ(c.iteration(), -1);
  c.begin(context(0, 0.1, v));
  EXPECT_EQ(c.iteration(), 0);
  c.worker(1, v, nullptr);
  c.worker(0, v, &v);
  const torch::Tensor wrong = torch::zeros({3}, torch::kFloat64);
  EXPECT_THROW(c.server(wrong), std::logic_error);
  c.server(v);
  c.begin(context(1, 0.1, v));
  c.worker(0, v, nullptr);
  EXPECT_THROW(c.worker(1, v, &wrong), std::logic_error);
  try {
    c.worker(1, torch::zeros({2, 3}), nullptr);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "algo::worker_step: g_new is Float of shape [2, 3], expected Float of "
                           "shape [3]");
  }
}

TEST(StepChecker, RejectsEmptyConfigurations) {
  EXPECT_THROW(StepChecker("algo", 0, 3, torch::kCPU), std::invalid_argument);
  EXPECT_THROW(StepChecker("algo", 2, 0, torch::kCPU), std::invalid_argument);
}

}  // namespace
}  // namespace sasgsim
