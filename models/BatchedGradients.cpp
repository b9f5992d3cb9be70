#include "models/BatchedGradients.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "models/BatchedSupport.h"

namespace sasgsim {

const TensorSlice& slice_named(const std::vector<TensorSlice>& slices, const std::string& name) {
  for (const TensorSlice& s : slices) {
    if (s.name == name) return s;
  }
  throw std::logic_error("batched gradients: the model has no parameter " + name);
}

torch::Tensor parameter(const torch::Tensor& flat, const TensorSlice& s) {
  return flat.narrow(0, s.offset, s.numel).view(s.shape.empty() ? std::vector<int64_t>{s.numel}
                                                                : s.shape);
}

namespace {

// Workers at one point (the same tensor data): their indices, in the minibatches' order.
struct PointGroup {
  torch::Tensor point;
  std::vector<int64_t> workers;
};

std::vector<PointGroup> group_by_point(const std::vector<torch::Tensor>& points) {
  std::vector<PointGroup> groups;
  for (size_t k = 0; k < points.size(); ++k) {
    const void* data = points[k].data_ptr();
    auto same = std::find_if(groups.begin(), groups.end(),
                             [&](const PointGroup& g) { return g.point.data_ptr() == data; });
    if (same == groups.end()) {
      groups.push_back({points[k], {}});
      same = std::prev(groups.end());
    }
    same->workers.push_back(static_cast<int64_t>(k));
  }
  return groups;
}

// The rows of `all` ([K * b, ...]) that hold `workers`' samples, b each.
torch::Tensor samples_of(const torch::Tensor& all, const std::vector<int64_t>& workers, int64_t b) {
  const int64_t first = workers.front();
  if (workers.back() - first + 1 == static_cast<int64_t>(workers.size())) {
    return all.narrow(0, first * b, static_cast<int64_t>(workers.size()) * b);
  }
  const torch::Tensor starts =
      torch::tensor(workers, torch::TensorOptions().dtype(torch::kLong)).mul_(b);
  const torch::Tensor rows = (starts.unsqueeze(1) + torch::arange(b, torch::kLong)).reshape({-1});
  return all.index_select(0, rows.to(all.device()));
}

// fc512 (flatten -> Linear -> ReLU -> Linear) with its backward pass written out: per group of
// workers at one point, h = x W1^T + b1, a = relu(h), z = a W2^T + b2 over all their samples,
// dz = (softmax(z) - onehot(y)) / b, dh = dz W2 [h > 0]; then per worker (its b rows), or
// once over all samples for the sum, dW2 = dz^T a, db2 = sum dz, dW1 = dh^T x, db1 = sum dh.
class Fc512Batched : public BatchedGradients {
 public:
  explicit Fc512Batched(const std::vector<TensorSlice>& slices)
      : w1_(slice_named(slices, "fc1.weight")),
        b1_(slice_named(slices, "fc1.bias")),
        w2_(slice_named(slices, "fc2.weight")),
        b2_(slice_named(slices, "fc2.bias")) {}

  torch::Tensor prepare(const std::vector<torch::Tensor>& points, const torch::Tensor& images,
                        const torch::Tensor& labels) override {
    torch::NoGradGuard no_grad;
    const int64_t workers = static_cast<int64_t>(points.size());
    if (workers < 1 || images.size(0) % workers != 0) {
      throw std::logic_error("batched gradients: samples must split evenly over the workers");
    }
    b_ = images.size(0) / workers;
    const torch::Tensor x_all = images.reshape({images.size(0), -1});
    torch::Tensor loss_sum = torch::zeros({}, x_all.options());
    passes_.clear();
    place_.assign(static_cast<size_t>(workers), {0, 0});
    for (const PointGroup& group : group_by_point(points)) {
      const torch::Tensor x = samples_of(x_all, group.workers, b_);
      passes_.push_back(backward(group.point, x, samples_of(labels, group.workers, b_), b_));
      passes_.back().x = x;
      for (size_t i = 0; i < group.workers.size(); ++i) {
        place_[group.workers[i]] = {passes_.size() - 1, static_cast<int64_t>(i) * b_};
      }
      loss_sum += passes_.back().loss_sum;
    }
    return loss_sum;
  }

  void gradient(int64_t k, torch::Tensor& out) const override { write(slice_of(k), out); }

  // With D = dh - dh' on the shared samples x: ||dW1 - dW1'||^2 = ||D^T x||^2 = sum of
  // (D D^T) * (x x^T), b x b Gram matrices (in float64) instead of the 512 x in matrix; the
  // small second layer's difference is formed as it is.
  double squared_change(int64_t k, const BatchedGradients& other, int64_t j) const override {
    torch::NoGradGuard no_grad;
    const auto& that = dynamic_cast<const Fc512Batched&>(other);
    const Backward mine = slice_of(k), theirs = that.slice_of(j);
    const torch::Tensor d = (mine.dh - theirs.dh).to(torch::kFloat64);
    const torch::Tensor x = mine.x.to(torch::kFloat64);
    const torch::Tensor w1 = (torch::mm(d, d.t()) * torch::mm(x, x.t())).sum();
    const torch::Tensor b1 = d.sum(0).square().sum();
    const torch::Tensor dz = (mine.dz - theirs.dz).to(torch::kFloat64);
    const torch::Tensor w2 = (torch::mm(mine.dz.t(), mine.a) - torch::mm(theirs.dz.t(), theirs.a))
                                 .to(torch::kFloat64)
                                 .square()
                                 .sum();
    const torch::Tensor b2 = dz.sum(0).square().sum();
    return (w1 + b1 + w2 + b2).item<double>();
  }

  void summed(torch::Tensor& out) const override {
    if (passes_.size() != 1) {
      throw std::logic_error("batched gradients: a sum needs every worker at one point");
    }
    write(passes_[0], out);
  }

 private:
  // What the parameter gradients are made of, for some samples.
  struct Backward {
    torch::Tensor x, a, dz, dh;  // input (flat), relu(h), dLoss/dz, dLoss/dh; a row per sample
    torch::Tensor loss_sum;      // the workers' mean losses, summed
    Backward slice(int64_t first, int64_t rows) const {
      return {x.narrow(0, first, rows), a.narrow(0, first, rows), dz.narrow(0, first, rows),
              dh.narrow(0, first, rows), loss_sum};
    }
  };

  // Worker k's part of the last prepare.
  Backward slice_of(int64_t k) const {
    const auto [pass, first] = place_.at(static_cast<size_t>(k));
    return passes_[pass].slice(first, b_);
  }

  // Forward and backward over samples x (flattened) with labels y at `point`, each worker's
  // loss the mean over its b samples.
  Backward backward(const torch::Tensor& point, const torch::Tensor& x, const torch::Tensor& y,
                    int64_t b) const {
    const torch::Tensor w1 = parameter(point, w1_), b1 = parameter(point, b1_);
    const torch::Tensor w2 = parameter(point, w2_), b2 = parameter(point, b2_);
    const torch::Tensor h = torch::addmm(b1, x, w1.t());
    const torch::Tensor a = torch::relu(h);
    const torch::Tensor log_p = torch::log_softmax(torch::addmm(b2, a, w2.t()), 1);
    const torch::Tensor picked = y.unsqueeze(1);
    Backward out;
    out.loss_sum = log_p.gather(1, picked).sum().neg_().div_(static_cast<double>(b));
    out.dz = log_p.exp_();
    out.dz.scatter_add_(1, picked, torch::full_like(picked, -1, out.dz.options()));
    out.dz.div_(static_cast<double>(b));
    out.dh = torch::mm(out.dz, w2).mul_(h.gt(0));
    out.a = a;
    return out;
  }

  // The parameter gradients summed over the samples of `pass`, into `grads` (flat [n]).
  void write(const Backward& pass, const torch::Tensor& grads) const {
    torch::NoGradGuard no_grad;
    torch::Tensor dw2 = parameter(grads, w2_), db2 = parameter(grads, b2_);
    torch::Tensor dw1 = parameter(grads, w1_), db1 = parameter(grads, b1_);
    torch::mm_out(dw2, pass.dz.t(), pass.a);
    torch::sum_out(db2, pass.dz, {0});
    torch::mm_out(dw1, pass.dh.t(), pass.x);
    torch::sum_out(db1, pass.dh, {0});
  }

  TensorSlice w1_, b1_, w2_, b2_;
  int64_t b_ = 0;                 // samples per worker in the last prepare
  std::vector<Backward> passes_;  // one per point group
  std::vector<std::pair<size_t, int64_t>> place_;  // per worker: its pass, its first row
};

}  // namespace

std::unique_ptr<BatchedGradients> make_batched_gradients(ModelKind kind,
                                                         const std::vector<TensorSlice>& slices,
                                                         torch::Device device) {
  switch (kind) {
    case ModelKind::kFc512: return std::make_unique<Fc512Batched>(slices);
    case ModelKind::kCnn: return device.is_cuda() ? make_cnn_batched(slices) : nullptr;
    case ModelKind::kResnet18: return nullptr;  // per-worker BatchNorm: not batched yet
  }
  return nullptr;
}

}  // namespace sasgsim
