#include "algorithms/rules/CompressedUpload.h"
#include "sim/checkpoint/StateArchive.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace sasgsim {

CompressedUpload::CompressedUpload(const CompressorOptions& options, bool error_feedback,
                                   const AlgorithmSetup& setup, int64_t numel, int slots)
    : compressor_(make_compressor(
          options, CompressorSetup{setup.workers, setup.slices, setup.device, setup.seed, slots})) {
  if (!error_feedback) return;
  errors_ = torch::zeros({setup.workers, numel},
                         torch::TensorOptions().dtype(torch::kFloat32).device(setup.device));
  for (int m = 0; m < setup.workers; ++m) error_rows_.push_back(errors_[m]);
}

void CompressedUpload::send(int worker, const torch::Tensor& message, int slot,
                            WorkerOutcome& out) {
  Encoded encoded;
  if (error_feedback()) {
    encoded = compressor_->encode_with_feedback(worker, error_rows_[static_cast<size_t>(worker)],
                                                message, slot);
  } else {
    encoded = compressor_->encode(worker, message, slot);
  }
  out.values = encoded.values;
  out.payload_bytes = encoded.payload_bytes;
  out.compression_cost = compressor_->cost();
}

const torch::Tensor& CompressedUpload::error(int worker) const {
  if (!error_feedback()) throw std::logic_error("error(): this algorithm has no error feedback");
  if (worker < 0 || static_cast<size_t>(worker) >= error_rows_.size()) {
    throw std::out_of_range("error(): worker " + std::to_string(worker) + " out of range");
  }
  return error_rows_[static_cast<size_t>(worker)];
}

void CompressedUpload::visit_state(StateArchive& archive) {
  archive.tensor("errors", errors_);
  StateArchive::Scope scope(archive, "compressor");
  compressor_->visit_state(archive);
}

}  // namespace sasgsim
