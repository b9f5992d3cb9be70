#include <gtest/gtest.h>

#include "sim/runtime/LearningRate.h"

namespace sasgsim {
namespace {

TEST(LearningRate, ConstantScheduleIsConstant) {
  TrainOptions o;
  o.lr = 0.005;
  LearningRate lr(o, 600);
  EXPECT_DOUBLE_EQ(lr.at(0), 0.005);
  EXPECT_DOUBLE_EQ(lr.at(11999), 0.005);
  EXPECT_DOUBLE_EQ(lr.lagged(11999), 0.005);
}

TEST(LearningRate, StepScheduleAndOneEpochLag) {
  TrainOptions o;
  o.lr = 0.01;
  o.lr_schedule.kind = LrScheduleKind::kStep;
  o.lr_schedule.milestones_epochs = {20};
  o.lr_schedule.gamma = 0.1;
  LearningRate lr(o, 500);  // CIFAR-10: 500 iterations per epoch
  EXPECT_DOUBLE_EQ(lr.at(20 * 500 - 1), 0.01);   // last iteration of epoch 19
  EXPECT_DOUBLE_EQ(lr.at(20 * 500), 0.001);      // first iteration of epoch 20
  // The threshold's rate is one epoch behind: still 0.01 during epoch 20, 0.001 from 21.
  EXPECT_DOUBLE_EQ(lr.lagged(20 * 500), 0.01);
  EXPECT_DOUBLE_EQ(lr.lagged(21 * 500 - 1), 0.01);
  EXPECT_DOUBLE_EQ(lr.lagged(21 * 500), 0.001);
  EXPECT_DOUBLE_EQ(lr.lagged(0), 0.01);
}

TEST(LearningRate, SeveralMilestonesCompound) {
  TrainOptions o;
  o.lr = 1.0;
  o.lr_schedule.kind = LrScheduleKind::kStep;
  o.lr_schedule.milestones_epochs = {1, 2};
  o.lr_schedule.gamma = 0.5;
  LearningRate lr(o, 10);
  EXPECT_DOUBLE_EQ(lr.at(9), 1.0);
  EXPECT_DOUBLE_EQ(lr.at(10), 0.5);
  EXPECT_DOUBLE_EQ(lr.at(25), 0.25);
}

TEST(LearningRate, RejectsEmptyEpoch) {
  TrainOptions o;
  EXPECT_THROW(LearningRate(o, 0), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
