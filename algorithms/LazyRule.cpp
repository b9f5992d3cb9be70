#include "algorithms/LazyRule.h"
#include "sim/checkpoint/StateArchive.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

namespace sasgsim {
namespace {

std::string format_double(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

LazyRule::LazyRule(const std::string& owner, const LazyRuleOptions& options, int workers,
                   int64_t numel, torch::Device device)
    : owner_(owner),
      workers_(workers),
      max_delay_(options.max_delay),
      kappa_(options.kappa),
      c_factor_(options.c_factor),
      threshold_lr_(options.threshold_lr),
      use_xi_(!options.xi.empty()) {
  const auto reject = [&](const std::string& what) {
    throw std::invalid_argument(owner_ + ": " + what);
  };
  if (workers < 1) reject("expected at least 1 worker, got " + std::to_string(workers));
  if (numel < 1) reject("expected at least 1 parameter, got " + std::to_string(numel));
  if (max_delay_ < 1) reject("max_delay must be >= 1, got " + std::to_string(max_delay_));
  if (!(kappa_ >= 0.0) || !std::isfinite(kappa_)) {
    reject("kappa must be finite and >= 0, got " + format_double(kappa_));
  }
  if (!(c_factor_ > 0.0) || !std::isfinite(c_factor_)) {
    reject("c_factor must be finite and > 0, got " + format_double(c_factor_));
  }
  if (threshold_lr_ != ThresholdLrKind::kCurrent && threshold_lr_ != ThresholdLrKind::kLagged) {
    reject("unknown threshold_lr " + std::to_string(static_cast<int>(threshold_lr_)));
  }
  const int64_t slots = max_delay_ - 1;
  if (use_xi_ && static_cast<int64_t>(options.xi.size()) != slots) {
    reject("xi must hold max_delay - 1 = " + std::to_string(slots) + " values, got " +
           std::to_string(options.xi.size()));
  }
  for (double x : options.xi) {
    if (!(x >= 0.0) || !std::isfinite(x)) reject("xi values must be finite and >= 0, got " + format_double(x));
  }

  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  const auto doubles = torch::TensorOptions().dtype(torch::kFloat64).device(device);
  tau_.assign(static_cast<size_t>(workers), 0);
  snapshots_ = torch::empty({workers + 1, numel}, floats);
  for (int r = 0; r <= workers; ++r) snapshot_rows_.push_back(snapshots_[r]);
  snapshot_refs_.assign(static_cast<size_t>(workers) + 1, 0);
  worker_snapshot_.assign(static_cast<size_t>(workers), -1);
  scratch_ = torch::empty({numel}, floats);

  steps_sq_ = torch::zeros({slots}, doubles);
  // Row r: weight of each ring slot when the newest step sits in slot r; slot j then holds
  // the step d = ((r - j) mod (D-1)) + 1 iterations back (d = 1 is the most recent).
  std::vector<double> weights(static_cast<size_t>(slots * slots), 1.0);
  if (use_xi_) {
    for (int64_t r = 0; r < slots; ++r) {
      for (int64_t j = 0; j < slots; ++j) {
        weights[static_cast<size_t>(r * slots + j)] =
            options.xi[static_cast<size_t>((r - j + slots) % slots)];
      }
    }
  }
  weights_ = torch::tensor(weights, torch::kFloat64).view({slots, slots}).to(device);
}

void LazyRule::begin_iteration(const IterationContext& ctx) {
  if (ctx.iteration != iteration_ + 1 || recorded_ != ctx.iteration) {
    throw std::logic_error(owner_ + "::begin_iteration: iteration " +
                           std::to_string(ctx.iteration) + " after " +
                           std::to_string(iteration_) + " with " + std::to_string(recorded_) +
                           " recorded parameter steps (update() missed?)");
  }
  iteration_ = ctx.iteration;
  theta_ = ctx.theta;
  current_snapshot_ = -1;
  threshold_known_ = false;
  if (in_warm_up()) return;

  const double lr_c = threshold_lr_ == ThresholdLrKind::kCurrent ? ctx.lr : ctx.threshold_lr;
  if (!(lr_c > 0.0) || !std::isfinite(lr_c)) {
    throw std::logic_error(owner_ + "::begin_iteration: the threshold learning rate must be "
                           "positive and finite, got " + format_double(lr_c));
  }
  const double m = static_cast<double>(workers_);
  const int64_t slots = max_delay_ - 1;
  // recorded_ = t >= D > D - 1: the ring is full.
  const torch::Tensor weighted =
      slots == 0 ? torch::zeros({}, steps_sq_.options())
                 : steps_sq_.dot(weights_[(recorded_ - 1) % slots]);
  if (use_xi_) {
    threshold_ = weighted.div(lr_c * lr_c * m * m);
  } else {
    threshold_ = weighted.mul(kappa_).div(c_factor_ * lr_c * m * m);
  }
}

int LazyRule::current_snapshot(const torch::Tensor& theta) {
  if (current_snapshot_ < 0) {
    // M workers point at no more than M of the M + 1 rows, so one is always free.
    int row = 0;
    while (row <= workers_ && snapshot_refs_[static_cast<size_t>(row)] != 0) ++row;
    if (row > workers_) throw std::logic_error(owner_ + ": no free theta_hat snapshot row");
    snapshot_rows_[static_cast<size_t>(row)].copy_(theta);
    current_snapshot_ = row;
  }
  return current_snapshot_;
}

void LazyRule::point_theta_hat_at_current(int worker) {
  const int row = current_snapshot(theta_);
  int& mine = worker_snapshot_[static_cast<size_t>(worker)];
  if (mine >= 0) --snapshot_refs_[static_cast<size_t>(mine)];
  mine = row;
  ++snapshot_refs_[static_cast<size_t>(row)];
}

void LazyRule::check_open(int worker, const char* what) const {
  if (worker < 0 || worker >= workers_ || !theta_.defined()) {
    throw std::logic_error(owner_ + "::" + what + ": worker " + std::to_string(worker) +
                           " outside [0, " + std::to_string(workers_) +
                           ") or no open iteration");
  }
}

torch::Tensor LazyRule::squared_change(const torch::Tensor& g_new, const torch::Tensor& g_old) {
  torch::sub_out(scratch_, g_new, g_old);
  return scratch_.dot(scratch_);
}

LazyRule::Decision LazyRule::decide(int worker, const torch::Tensor& g_new,
                                    const torch::Tensor& g_old) {
  check_open(worker, "decide");
  if (in_warm_up()) {
    Decision d;
    d.upload = true;
    point_theta_hat_at_current(worker);
    return d;
  }
  const torch::Tensor lhs = squared_change(g_new, g_old);
  double lhs_host = 0.0;
  if (!threshold_known_) {
    const torch::Tensor both = torch::stack({lhs.to(torch::kFloat64), threshold_}).cpu();
    lhs_host = both.data_ptr<double>()[0];
    threshold_host_ = both.data_ptr<double>()[1];
    threshold_known_ = true;
  } else {
    lhs_host = lhs.item<double>();
  }
  return decide_with(worker, lhs_host, threshold_host_);
}

LazyRule::Decision LazyRule::decide_by_change(int worker, double lhs) {
  check_open(worker, "decide_by_change");
  if (!threshold_known_ && !in_warm_up()) {
    threshold_host_ = threshold_.item<double>();
    threshold_known_ = true;
  }
  return decide_with(worker, lhs, threshold_host_);
}

void LazyRule::lhs_into(int worker, const torch::Tensor& g_new, const torch::Tensor& g_old,
                        torch::Tensor out) {
  check_open(worker, "lhs_into");
  if (in_warm_up()) {
    throw std::logic_error(owner_ + "::lhs_into: the rule is not evaluated in warm-up (t < D)");
  }
  out.copy_(squared_change(g_new, g_old));
}

LazyRule::Decision LazyRule::decide_with(int worker, double lhs, double threshold) {
  check_open(worker, "decide_with");
  if (in_warm_up()) {
    throw std::logic_error(owner_ + "::decide_with: the rule is not evaluated in warm-up (t < D)");
  }
  Decision d;
  d.lhs = lhs;
  d.evaluated = true;
  d.threshold = threshold;
  int64_t& tau = tau_[static_cast<size_t>(worker)];
  const bool fires = d.lhs > d.threshold;  // equality skips
  d.forced = !fires && tau > max_delay_;
  d.upload = fires || d.forced;
  if (d.upload) {
    point_theta_hat_at_current(worker);
    tau = 1;
  } else {
    ++tau;
  }
  return d;
}

void LazyRule::update(torch::Tensor& theta, const torch::Tensor& aggregate) {
  if (!theta_.defined()) throw std::logic_error(owner_ + "::update: no open iteration");
  const int before = current_snapshot(theta);
  theta.sub_(aggregate);
  torch::sub_out(scratch_, theta, snapshot_rows_[static_cast<size_t>(before)]);
  const int64_t slots = max_delay_ - 1;
  if (slots > 0) steps_sq_[recorded_ % slots].copy_(scratch_.dot(scratch_));
  ++recorded_;
  theta_ = torch::Tensor();
}

const torch::Tensor& LazyRule::theta_hat(int worker) const {
  if (worker < 0 || worker >= workers_) {
    throw std::logic_error(owner_ + "::theta_hat: worker " + std::to_string(worker) +
                           " is out of range [0, " + std::to_string(workers_) + ")");
  }
  const int row = worker_snapshot_[static_cast<size_t>(worker)];
  if (row < 0) {
    throw std::logic_error(owner_ + "::theta_hat: worker " + std::to_string(worker) +
                           " has not uploaded yet");
  }
  return snapshot_rows_[static_cast<size_t>(row)];
}

void LazyRule::visit_state(StateArchive& archive) {
  archive.integer("iteration", iteration_);
  archive.integers("tau", tau_);
  archive.tensor("snapshots", snapshots_);
  archive.integers("snapshot_refs", snapshot_refs_);
  archive.integers("worker_snapshot", worker_snapshot_);
  archive.tensor("steps_sq", steps_sq_);
  archive.integer("recorded", recorded_);
}

}  // namespace sasgsim
