// What the models' batched paths (BatchedGradients.h) share: finding a parameter tensor in the
// flat layout, and the batched paths other than fc512's, whose factory lives with them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "models/BatchedGradients.h"
#include "models/FlatParameters.h"

namespace sasgsim {

// The slice named `name` (e.g. "fc1.weight"); throws std::logic_error when there is none.
const TensorSlice& slice_named(const std::vector<TensorSlice>& slices, const std::string& name);

// One parameter tensor, shaped as the model's: a view of the flat vector `flat`.
torch::Tensor parameter(const torch::Tensor& flat, const TensorSlice& s);

// The cnn's batched path (CnnBatched.cpp), on any device (make_batched_gradients offers it on
// CUDA only; the tests check it on the CPU).
std::unique_ptr<BatchedGradients> make_cnn_batched(const std::vector<TensorSlice>& slices);

}  // namespace sasgsim
