// Re-homes a module's parameters (and their gradients) into two contiguous 1-D tensors, so that
// algorithms work on flat vectors while each parameter tensor stays a view for per-tensor ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace sasgsim {

// Where one parameter tensor lives inside the flat vector.
struct TensorSlice {
  std::string name;   // the module's parameter name, e.g. "fc1.weight"
  int64_t offset;     // first entry in the flat vector
  int64_t numel;      // number of entries
  std::vector<int64_t> shape = {};  // the parameter's sizes (empty: a vector of numel entries)
};

class FlatParameters {
 public:
  // Moves every parameter of `module` (in named_parameters() order) into one flat tensor on
  // the parameters' device and points each parameter's .grad() at a slice of a second flat
  // tensor, so backward() accumulates straight into grads().
  explicit FlatParameters(torch::nn::Module& module);

  const torch::Tensor& values() const { return values_; }  // [numel], float32
  const torch::Tensor& grads() const { return grads_; }    // [numel], float32
  const std::vector<TensorSlice>& slices() const { return slices_; }
  int64_t numel() const { return values_.numel(); }
  // Points every parameter at the matching slice of `source` (float32 [numel()] on the same
  // device) without copying; values() is then `source`. For a scratch model that evaluates
  // gradients at stored parameters: `source` must stay alive and unchanged while in use.
  void view_values_of(const torch::Tensor& source);
  // Sets every gradient to zero (one kernel) before a fresh backward pass.
  void zero_grads() { grads_.zero_(); }
  // Throws std::logic_error unless every parameter of `module` and its .grad() are still the
  // views created by the constructor (e.g. after module.to(), an optimizer's zero_grad that
  // sets gradients to None, or load of a state dict that replaced the tensors).
  void check_bound(const torch::nn::Module& module) const;

 private:
  torch::Tensor values_;
  torch::Tensor grads_;
  std::vector<TensorSlice> slices_;
  std::vector<torch::Tensor> params_;  // the module's parameters, in slice order
};

}  // namespace sasgsim
