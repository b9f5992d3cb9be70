#include "algorithms/compressors/Slots.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {
namespace {

void check_slot(int slot, size_t slots) {
  if (slot < 0 || static_cast<size_t>(slot) >= slots) {
    throw std::logic_error("compressor slot " + std::to_string(slot) + " out of range [0, " +
                           std::to_string(slots) + ")");
  }
}

}  // namespace

DenseSlots::DenseSlots(int slots, int64_t numel, torch::Device device)
    : all_(torch::zeros({slots, numel}, torch::TensorOptions().dtype(torch::kFloat32).device(device))) {
  for (int s = 0; s < slots; ++s) rows_.push_back(all_[s]);
}

torch::Tensor& DenseSlots::row(int slot) {
  check_slot(slot, rows_.size());
  return rows_[static_cast<size_t>(slot)];
}

const torch::Tensor& DenseSlots::row(int slot) const {
  check_slot(slot, rows_.size());
  return rows_[static_cast<size_t>(slot)];
}

void DenseSlots::visit_state(StateArchive& archive) { archive.tensor("messages", all_); }

SparseSlots::SparseSlots(int slots, int64_t capacity, int64_t /*numel*/, torch::Device device,
                         bool exact)
    : slots_(static_cast<size_t>(slots)), device_(device), exact_(exact) {
  for (Slot& s : slots_) {
    reserve(s, capacity);
    s.indices = s.index_buffer.narrow(0, 0, 0);
    s.values = s.value_buffer.narrow(0, 0, 0);
  }
}

void SparseSlots::reserve(Slot& s, int64_t count) {
  if (s.index_buffer.defined() && s.index_buffer.numel() >= count) return;
  const auto options = torch::TensorOptions().device(device_);
  s.index_buffer = torch::zeros({count}, options.dtype(torch::kInt64));
  s.value_buffer = torch::zeros({count}, options.dtype(torch::kFloat32));
}

const SparseSlots::Slot& SparseSlots::at(int slot) const {
  check_slot(slot, slots_.size());
  return slots_[static_cast<size_t>(slot)];
}

SparseSlots::Slot& SparseSlots::at(int slot) {
  check_slot(slot, slots_.size());
  return slots_[static_cast<size_t>(slot)];
}

torch::Tensor SparseSlots::indices(int slot, int64_t count) {
  Slot& s = at(slot);
  reserve(s, count);
  s.indices = s.index_buffer.narrow(0, 0, count);
  return s.indices;
}

torch::Tensor SparseSlots::values(int slot, int64_t count) {
  Slot& s = at(slot);
  reserve(s, count);
  s.values = s.value_buffer.narrow(0, 0, count);
  return s.values;
}

const torch::Tensor& SparseSlots::held_indices(int slot) const { return at(slot).indices; }
const torch::Tensor& SparseSlots::held_values(int slot) const { return at(slot).values; }
int64_t SparseSlots::count(int slot) const { return at(slot).indices.numel(); }

void SparseSlots::decode_into(int slot, torch::Tensor& out) const {
  out.zero_();
  add_decoded(slot, out);
}

void SparseSlots::add_decoded(int slot, torch::Tensor& out) const {
  const Slot& s = at(slot);
  out.index_add_(0, s.indices, s.values);
}

void SparseSlots::subtract_decoded(int slot, torch::Tensor& e) const {
  const Slot& s = at(slot);
  if (exact_) {
    e.index_fill_(0, s.indices, 0.0f);  // exactly p off the kept positions
  } else {
    e.index_add_(0, s.indices, s.values, -1.0);
  }
}

HeldBytes SparseSlots::held(int slot) const {
  const int64_t count = at(slot).indices.numel();
  return {kValueBytes * count, kIndexBytes * count};
}

void SparseSlots::visit_state(StateArchive& archive) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    StateArchive::Scope scope(archive, "slot" + std::to_string(i));
    const int slot = static_cast<int>(i);
    int64_t count = slots_[i].indices.numel();
    archive.integer("count", count);
    torch::Tensor held_indices = indices(slot, count);
    torch::Tensor held_values = values(slot, count);
    archive.tensor("indices", held_indices);
    archive.tensor("values", held_values);
  }
}

}  // namespace sasgsim
