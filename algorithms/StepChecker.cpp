#include "algorithms/StepChecker.h"
#include "sim/checkpoint/StateArchive.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <torch/torch.h>

namespace sasgsim {
namespace {

// "cuda" has no index but the tensors made on it do ("cuda:0"): resolve it once so that
// device comparisons are exact.
torch::Device resolved(torch::Device device) {
  return torch::empty({0}, torch::TensorOptions().device(device)).device();
}

}  // namespace

int64_t checked_flat_numel(const std::vector<TensorSlice>& slices, const std::string& owner) {
  if (slices.empty()) throw std::invalid_argument(owner + ": the model has no parameter tensors");
  int64_t next = 0;
  for (const TensorSlice& s : slices) {
    if (s.offset != next || s.numel < 1) {
      std::ostringstream os;
      os << owner << ": parameter slice " << s.name << " covers [" << s.offset << ", "
         << s.offset + s.numel << "), expected a non-empty slice starting at " << next;
      throw std::invalid_argument(os.str());
    }
    next += s.numel;
  }
  return next;
}

StepChecker::StepChecker(std::string algorithm, int workers, int64_t numel,
                         torch::Device device)
    : algorithm_(std::move(algorithm)),
      workers_(workers),
      numel_(numel),
      device_(resolved(device)),
      stepped_(workers > 0 ? workers : 0, 0) {
  if (workers < 1) {
    throw std::invalid_argument(algorithm_ + ": expected at least 1 worker, got " +
                                std::to_string(workers));
  }
  if (numel < 1) {
    throw std::invalid_argument(algorithm_ + ": expected at least 1 parameter, got " +
                                std::to_string(numel));
  }
}

void StepChecker::fail(const char* where, const std::string& what) const {
  throw std::logic_error(algorithm_ + "::" + where + ": " + what);
}

void StepChecker::check_worker(int worker, const char* where) const {
  if (worker < 0 || worker >= workers_) {
    fail(where, "worker " + std::to_string(worker) + " is out of range [0, " +
                    std::to_string(workers_) + ")");
  }
}

void StepChecker::check_vector(const torch::Tensor& t, const char* what,
                               const char* where) const {
  if (!t.defined()) fail(where, std::string(what) + " is undefined");
  if (t.scalar_type() != torch::kFloat32 || t.dim() != 1 || t.numel() != numel_) {
    std::ostringstream os;
    os << what << " is " << t.scalar_type() << " of shape " << t.sizes()
       << ", expected Float of shape [" << numel_ << "]";
    fail(where, os.str());
  }
  if (t.device() != device_) {
    fail(where, std::string(what) + " is on " + t.device().str() + ", expected " +
                    device_.str());
  }
}

void StepChecker::begin(const IterationContext& ctx) {
  if (open_) {
    fail("begin_iteration", "iteration " + std::to_string(iteration_) +
                                " has not been closed by server_step");
  }
  if (ctx.iteration != iteration_ + 1) {
    fail("begin_iteration", "got iteration " + std::to_string(ctx.iteration) + ", expected " +
                                std::to_string(iteration_ + 1));
  }
  if (!(ctx.lr > 0.0) || !std::isfinite(ctx.lr)) {
    fail("begin_iteration", "lr must be positive and finite, got " + std::to_string(ctx.lr));
  }
  check_vector(ctx.theta, "theta", "begin_iteration");
  iteration_ = ctx.iteration;
  open_ = true;
  std::fill(stepped_.begin(), stepped_.end(), 0);
  stepped_count_ = 0;
}

void StepChecker::worker(int worker, const torch::Tensor& g_new, const torch::Tensor* g_old) {
  check_vector(g_new, "g_new", "worker_step");
  if (g_old != nullptr) check_vector(*g_old, "g_old", "worker_step");
  stepped(worker, "worker_step");
}

void StepChecker::stepped(int worker, const char* where) {
  if (!open_) fail(where, "called outside an iteration (begin_iteration first)");
  check_worker(worker, where);
  if (stepped_[worker]) {
    fail(where, "worker " + std::to_string(worker) + " already stepped in iteration " +
                    std::to_string(iteration_));
  }
  stepped_[worker] = 1;
  ++stepped_count_;
}

void StepChecker::server(const torch::Tensor& theta) {
  if (!open_) fail("server_step", "called outside an iteration (begin_iteration first)");
  if (stepped_count_ != workers_) {
    fail("server_step", "only " + std::to_string(stepped_count_) + " of " +
                            std::to_string(workers_) + " workers stepped in iteration " +
                            std::to_string(iteration_));
  }
  check_vector(theta, "theta", "server_step");
  open_ = false;
}

void StepChecker::visit_state(StateArchive& archive) {
  if (open_) fail("visit_state", "called inside an iteration");
  archive.integer("iteration", iteration_);
}

}  // namespace sasgsim
