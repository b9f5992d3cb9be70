#include "sim/runtime/Evaluator.h"

#include <algorithm>

#include <torch/torch.h>

#include "models/Model.h"

namespace sasgsim {

EvalResult evaluate(Model& model, const torch::Tensor& images, const torch::Tensor& labels,
                    int64_t batch_size) {
  torch::NoGradGuard no_grad;
  model.eval();
  const int64_t n = labels.size(0);
  // Sums stay on the device; one host sync at the end.
  torch::Tensor loss_sum = torch::zeros({}, images.options().dtype(torch::kFloat64));
  torch::Tensor top1 = torch::zeros({}, labels.options());
  torch::Tensor top5 = torch::zeros({}, labels.options());
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t len = std::min(batch_size, n - start);
    torch::Tensor x = images.narrow(0, start, len);
    torch::Tensor y = labels.narrow(0, start, len);
    torch::Tensor logits = model.forward(x);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, y,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .to(torch::kFloat64);
    const int64_t k = std::min<int64_t>(5, logits.size(1));
    torch::Tensor best = std::get<1>(logits.topk(k, 1));  // [len, k], best first
    torch::Tensor hit = best.eq(y.unsqueeze(1));
    top1 += hit.select(1, 0).sum();
    top5 += hit.any(1).sum();
  }
  model.train();
  EvalResult r;
  r.loss = loss_sum.item<double>() / static_cast<double>(n);
  r.top1_pct = 100.0 * static_cast<double>(top1.item<int64_t>()) / static_cast<double>(n);
  r.top5_pct = 100.0 * static_cast<double>(top5.item<int64_t>()) / static_cast<double>(n);
  return r;
}

}  // namespace sasgsim
