// The cnn's batched path: the K workers' models side by side in one network. Each parameter
// becomes a [K, ...] leaf holding every worker's copy (its own point), convolutions run
// grouped (worker k's channels form group k), linear layers as batched matrix products, and
// one backward pass of the sum of the workers' mean losses leaves worker k's gradient in row k
// of every leaf's gradient.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/BatchedSupport.h"
#include "models/Cnn.h"

namespace sasgsim {
namespace {

class CnnBatched : public BatchedGradients {
 public:
  explicit CnnBatched(const std::vector<TensorSlice>& slices) {
    for (const char* name : kParameters) slices_.push_back(slice_named(slices, name));
  }

  torch::Tensor prepare(const std::vector<torch::Tensor>& points, const torch::Tensor& images,
                        const torch::Tensor& labels) override {
    const int64_t workers = static_cast<int64_t>(points.size());
    if (workers < 1 || images.size(0) % workers != 0) {
      throw std::logic_error("batched gradients: samples must split evenly over the workers");
    }
    const int64_t b = images.size(0) / workers;
    torch::AutoGradMode autograd(true);
    std::vector<torch::Tensor> leaves = stacked_leaves(points);
    const torch::Tensor logits = forward(leaves, images, workers, b);  // [K * b, classes]
    torch::Tensor loss_sum =
        torch::nn::functional::cross_entropy(
            logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
            .div(static_cast<double>(b));
    loss_sum.backward();
    grads_.clear();
    for (torch::Tensor& leaf : leaves) grads_.push_back(leaf.grad().reshape({workers, -1}));
    return loss_sum.detach();
  }

  void gradient(int64_t k, torch::Tensor& out) const override {
    torch::NoGradGuard no_grad;
    check_worker(k);
    for (size_t i = 0; i < slices_.size(); ++i) {
      out.narrow(0, slices_[i].offset, slices_[i].numel).copy_(grads_[i][k]);
    }
  }

  void summed(torch::Tensor& out) const override {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < slices_.size(); ++i) {
      torch::Tensor part = out.narrow(0, slices_[i].offset, slices_[i].numel);
      torch::sum_out(part, grads_[i], {0});
    }
  }

  double squared_change(int64_t k, const BatchedGradients& other, int64_t j) const override {
    torch::NoGradGuard no_grad;
    const auto& that = dynamic_cast<const CnnBatched&>(other);
    check_worker(k);
    that.check_worker(j);
    double sum = 0.0;
    for (size_t i = 0; i < slices_.size(); ++i) {
      sum += (grads_[i][k].to(torch::kFloat64) - that.grads_[i][j].to(torch::kFloat64))
                 .square()
                 .sum()
                 .item<double>();
    }
    return sum;
  }

 private:
  static constexpr const char* kParameters[] = {"conv1.weight", "conv1.bias", "conv2.weight",
                                                "conv2.bias",   "fc1.weight", "fc1.bias",
                                                "fc2.weight",   "fc2.bias"};

  void check_worker(int64_t k) const {
    if (grads_.empty() || k < 0 || k >= grads_[0].size(0)) {
      throw std::logic_error("batched gradients: worker " + std::to_string(k) +
                             " was not prepared");
    }
  }

  // Per parameter, a [K, ...] leaf (requiring its gradient) with worker k's copy in row k.
  std::vector<torch::Tensor> stacked_leaves(const std::vector<torch::Tensor>& points) const {
    std::vector<torch::Tensor> leaves;
    for (const TensorSlice& s : slices_) {
      std::vector<torch::Tensor> rows;
      for (const torch::Tensor& point : points) rows.push_back(parameter(point, s));
      leaves.push_back(torch::stack(rows).detach().requires_grad_(true));
    }
    return leaves;
  }

  // Cnn::forward for K workers at once: images [K * b, C, H, W] (worker k's b samples in rows
  // k b .. k b + b - 1) to logits in the same row order.
  static torch::Tensor forward(const std::vector<torch::Tensor>& p, const torch::Tensor& images,
                               int64_t workers, int64_t b) {
    const int64_t channels = images.size(1), height = images.size(2), width = images.size(3);
    // [b, K * C, H, W]: sample i of every worker, worker k's channels in group k.
    torch::Tensor x = images.reshape({workers, b, channels, height, width})
                          .transpose(0, 1)
                          .reshape({b, workers * channels, height, width});
    x = torch::max_pool2d(torch::relu(grouped_conv(x, p[0], p[1], workers)), 2);
    x = torch::max_pool2d(torch::relu(grouped_conv(x, p[2], p[3], workers)), 2);
    // Each worker's flattened features, as Cnn's flatten(1) orders them: [K, b, F].
    x = x.reshape({b, workers, -1}).transpose(0, 1);
    x = torch::relu(torch::baddbmm(p[5].unsqueeze(1), x, p[4].transpose(1, 2)));
    x = torch::baddbmm(p[7].unsqueeze(1), x, p[6].transpose(1, 2));  // [K, b, classes]
    return x.reshape({workers * b, -1});
  }

  // A size-preserving 5x5 convolution per worker: weight [K, out, in, 5, 5], bias [K, out].
  static torch::Tensor grouped_conv(const torch::Tensor& x, const torch::Tensor& weight,
                                    const torch::Tensor& bias, int64_t workers) {
    const torch::Tensor w = weight.reshape({-1, weight.size(2), weight.size(3), weight.size(4)});
    return torch::conv2d(x, w, bias.reshape({-1}), /*stride=*/1, /*padding=*/Cnn::kKernel / 2,
                         /*dilation=*/1, /*groups=*/workers);
  }

  std::vector<TensorSlice> slices_;  // kParameters' slices, in that order
  std::vector<torch::Tensor> grads_;  // per parameter: [K, numel] gradients of the last prepare
};

}  // namespace

std::unique_ptr<BatchedGradients> make_cnn_batched(const std::vector<TensorSlice>& slices) {
  return std::make_unique<CnnBatched>(slices);
}

}  // namespace sasgsim
