// Storage for decoded messages, shared by the compressors: DenseSlots holds each slot's decoded
// vector in full (quantizers, casts, low-rank); SparseSlots holds positions and values (top-k,
// random-k, threshold, DGC), so the server sums them with index_add_ as a real sparse
// aggregation would.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"

namespace sasgsim {

class DenseSlots {
 public:
  DenseSlots(int slots, int64_t numel, torch::Device device);

  torch::Tensor& row(int slot);  // float32 [n]: write the decoded message here
  const torch::Tensor& row(int slot) const;

  void decode_into(int slot, torch::Tensor& out) const { out.copy_(row(slot)); }
  void add_decoded(int slot, torch::Tensor& out) const { out.add_(row(slot)); }
  void subtract_decoded(int slot, torch::Tensor& e) const { e.sub_(row(slot)); }
  void visit_state(StateArchive& archive);  // every slot's message

 private:
  torch::Tensor all_;               // [slots, n]
  std::vector<torch::Tensor> rows_;
};

class SparseSlots {
 public:
  // `exact`: the values are p at the positions (top-k, threshold), so error feedback zeroes
  // them; otherwise it subtracts them (scaled random-k). `capacity` entries are preallocated
  // per slot; a larger message reallocates.
  SparseSlots(int slots, int64_t capacity, int64_t numel, torch::Device device, bool exact);

  // The slot's buffers narrowed to `count` entries, for the encoder to fill.
  torch::Tensor indices(int slot, int64_t count);  // int64
  torch::Tensor values(int slot, int64_t count);   // float32
  // What the slot holds now (after indices()/values() set its count).
  const torch::Tensor& held_indices(int slot) const;
  const torch::Tensor& held_values(int slot) const;
  int64_t count(int slot) const;

  void decode_into(int slot, torch::Tensor& out) const;
  void add_decoded(int slot, torch::Tensor& out) const;
  void subtract_decoded(int slot, torch::Tensor& e) const;
  // Values and int32 indices of the held message.
  HeldBytes held(int slot) const;
  void visit_state(StateArchive& archive);  // every slot's message

 private:
  struct Slot {
    torch::Tensor index_buffer;  // int64 [capacity]
    torch::Tensor value_buffer;  // float32 [capacity]
    torch::Tensor indices;       // views of the first count entries
    torch::Tensor values;
  };
  const Slot& at(int slot) const;
  Slot& at(int slot);
  void reserve(Slot& s, int64_t count);

  std::vector<Slot> slots_;
  torch::Device device_;
  bool exact_;
};

}  // namespace sasgsim
