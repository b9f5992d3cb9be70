// A classifier network and the factory that builds one by name.
#pragma once

#include <memory>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// Every model maps a float batch [N, C, H, W] to logits [N, classes].
class Model : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
};

// Builds a freshly initialised model; initialisation draws from LibTorch's global generator,
// so seeding it (torch::manual_seed) makes the weights reproducible.
// input_shape is one sample's shape {C, H, W}.
std::shared_ptr<Model> make_model(ModelKind kind, const std::vector<int64_t>& input_shape,
                                  int64_t classes);

// FLOPs of one sample's forward pass (a multiply-add counts 2; normalisation, activations and
// pooling are left out), for the flops compute-time model.
int64_t forward_flops_per_sample(ModelKind kind, const std::vector<int64_t>& input_shape,
                                 int64_t classes);

}  // namespace sasgsim
