// Options of the LASG-WK2 lazy-upload rule (SPEC-algorithms.md) shared by LASG and SASG: the
// history length D and the threshold, either as kappa / c (c = c_factor * lr * M^2, lr current or
// lagged) or in the paper's xi form. Torch-free: the scenario parser reads them.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/scenario/EnumNames.h"
#include "sim/scenario/Schema.h"

namespace sasgsim {

// Which learning rate enters the threshold constant c = c_factor * lr * M^2.
enum class ThresholdLrKind { kCurrent, kLagged };

template <>
struct EnumNames<ThresholdLrKind> {
  static constexpr std::pair<ThresholdLrKind, const char*> kNames[] = {
      {ThresholdLrKind::kCurrent, "current"},
      {ThresholdLrKind::kLagged, "lagged"},
  };
};

struct LazyRuleOptions {
  int64_t max_delay = 10;  // D: history length / maximum delay, >= 1
  double kappa = 1.0;      // threshold scale, > 0
  double c_factor = 2.0;   // c = c_factor * lr * M^2, > 0
  ThresholdLrKind threshold_lr = ThresholdLrKind::kCurrent;
  // The paper's form instead: thr = sum_d xi_d ||dtheta_d||^2 / (lr^2 M^2); D-1 values when set.
  std::vector<double> xi;

  // The keys "D", "kappa", "c_factor", "threshold_lr" and "xi".
  static const Section<LazyRuleOptions>& section();
};

}  // namespace sasgsim
