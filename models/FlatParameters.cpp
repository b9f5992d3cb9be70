#include "models/FlatParameters.h"

#include <stdexcept>

#include <torch/torch.h>

namespace sasgsim {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::logic_error("FlatParameters: " + what);
}

// True when `t` is a contiguous view of `flat` starting at entry `offset`.
bool aliases(const torch::Tensor& t, const torch::Tensor& flat, int64_t offset) {
  return t.defined() && t.is_contiguous() && t.dtype() == flat.dtype() &&
         t.device() == flat.device() &&
         t.data_ptr<float>() == flat.data_ptr<float>() + offset;
}

}  // namespace

FlatParameters::FlatParameters(torch::nn::Module& module) {
  const auto named = module.named_parameters(/*recurse=*/true);
  if (named.is_empty()) fail("the module has no parameters");
  const torch::Device device = named[0].value().device();
  int64_t total = 0;
  for (const auto& item : named) {
    const torch::Tensor& p = item.value();
    if (p.scalar_type() != torch::kFloat32) {
      fail("parameter " + item.key() + " is " + std::string(c10::toString(p.scalar_type())) +
           ", expected float32");
    }
    if (p.device() != device) {
      fail("parameter " + item.key() + " is on " + p.device().str() + ", expected " +
           device.str() + " like " + named[0].key());
    }
    slices_.push_back(TensorSlice{item.key(), total, p.numel(), p.sizes().vec()});
    total += p.numel();
  }

  const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  values_ = torch::empty({total}, options);
  grads_ = torch::zeros({total}, options);
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < slices_.size(); ++i) {
    torch::Tensor p = named[i].value();
    const TensorSlice& s = slices_[i];
    values_.narrow(0, s.offset, s.numel).copy_(p.detach().reshape({-1}));
    p.set_data(values_.narrow(0, s.offset, s.numel).view(p.sizes()));
    // A defined .grad() makes AccumulateGrad add into it in place (first-order backward),
    // so every backward pass lands in grads_.
    p.mutable_grad() = grads_.narrow(0, s.offset, s.numel).view(p.sizes());
    params_.push_back(p);
  }
  check_bound(module);
}

void FlatParameters::view_values_of(const torch::Tensor& source) {
  if (!source.defined() || source.scalar_type() != torch::kFloat32 || source.dim() != 1 ||
      source.numel() != values_.numel() || source.device() != values_.device() ||
      !source.is_contiguous()) {
    fail("view_values_of needs a contiguous float32 [" + std::to_string(values_.numel()) +
         "] tensor on " + values_.device().str());
  }
  if (source.data_ptr<float>() == values_.data_ptr<float>()) return;
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < slices_.size(); ++i) {
    const TensorSlice& s = slices_[i];
    params_[i].set_data(source.narrow(0, s.offset, s.numel).view(params_[i].sizes()));
  }
  values_ = source;
}

void FlatParameters::check_bound(const torch::nn::Module& module) const {
  const auto named = module.named_parameters(/*recurse=*/true);
  if (named.size() != slices_.size()) {
    fail("the module has " + std::to_string(named.size()) + " parameters, expected " +
         std::to_string(slices_.size()));
  }
  for (size_t i = 0; i < slices_.size(); ++i) {
    const TensorSlice& s = slices_[i];
    const torch::Tensor& p = named[i].value();
    if (named[i].key() != s.name || p.numel() != s.numel) {
      fail("parameter " + std::to_string(i) + " is " + named[i].key() + ", expected " + s.name);
    }
    if (!aliases(p, values_, s.offset)) {
      fail("parameter " + s.name + " no longer lives in values() (moved or replaced?)");
    }
    if (!aliases(p.grad(), grads_, s.offset)) {
      fail("the gradient of " + s.name +
           " no longer lives in grads() (zero_grad(set_to_none) or an optimizer?)");
    }
  }
}

}  // namespace sasgsim
