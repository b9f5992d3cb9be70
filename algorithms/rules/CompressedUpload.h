// What every rule does with a worker's message: the compressor, and error feedback around it.
// With error feedback, worker m keeps e_m: e_m += message; the upload encodes e_m; e_m -=
// decoded, so e_m carries what the message dropped into the next upload.
#pragma once

#include <memory>
#include <vector>

#include <torch/types.h>

#include "algorithms/Algorithm.h"
#include "algorithms/compressors/Compressor.h"

namespace sasgsim {

class CompressedUpload {
 public:
  // `slots`: decoded messages the compressor holds at once (see Compressor.h).
  CompressedUpload(const CompressorOptions& options, bool error_feedback,
                   const AlgorithmSetup& setup, int64_t numel, int slots);

  void begin_iteration(int64_t iteration, double lr) { compressor_->begin_iteration(iteration, lr); }

  // Encodes worker m's `message` (float32 [n]; not modified) into `slot`; fills out.values,
  // out.payload_bytes and out.compression_cost.
  void send(int worker, const torch::Tensor& message, int slot, WorkerOutcome& out);

  const Compressor& compressor() const { return *compressor_; }
  bool error_feedback() const { return !error_rows_.empty(); }
  // e_m, flat [n]; throws std::logic_error without error feedback.
  const torch::Tensor& error(int worker) const;
  void visit_state(StateArchive& archive);  // e_m and the compressor's state

 private:
  std::unique_ptr<Compressor> compressor_;
  torch::Tensor errors_;                   // [M, n] with error feedback
  std::vector<torch::Tensor> error_rows_;
};

}  // namespace sasgsim
