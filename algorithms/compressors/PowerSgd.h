// powersgd: rank-r approximation of every matrix-shaped tensor by one step of power iteration
// with warm start (Vogels et al. 2019, "PowerSGD: Practical Low-Rank Gradient Compression").
//
// Per TensorSlice with two or more dimensions (a matrix; conv kernels (out, in, kh, kw) too):
// its part of p is viewed as M [rows, cols] with rows = shape[0], cols = numel / rows, and
// r = min(rank, rows, cols). With the worker's Q [cols, r] for that matrix:
//   P = M Q;  orthonormalise P's columns (modified Gram-Schmidt, as the authors' code);
//   Q = M^T P;  decoded = P Q^T.
// The new Q is kept for the worker's next encode (warm start); with warm_start off the next
// encode starts from a fresh standard-normal Q instead. The first Q is standard normal, drawn
// from the worker's generator. q(worker, m) is always the Q the next encode starts from.
// Gram-Schmidt drops a column (sets it to zero) whose part orthogonal to the previous columns
// is below kDependentTolerance of its norm: such a column is numerically in their span (a
// matrix of rank < r, or a zero matrix), and normalising its rounding residue would give a
// direction that is not orthogonal to them, so that P Q^T would no longer be a projection of
// M. A dropped column contributes nothing (its P column and hence its Q column are zero, and
// are sent as zeros); its previous Q column is kept for the next warm start, so that the rank
// comes back when M has it again. No NaN arises for zero matrices.
// Tensors with fewer than two dimensions (biases; empty shape = a vector) are sent as they are,
// dense float32, as the authors do.
//
// Parameter-server setting: the authors' all-reduce of P between the two products (so that
// every worker orthonormalises the same P) has no counterpart when each worker uploads to a
// server; here each worker compresses its own M on its own and sends both factors, and the
// server sums the workers' P Q^T.
//
// Error feedback is the caller's (e += p; encode(e); subtract_decoded(e)); PowerSGD is meant to
// run with it.
// Wire: header (16 bytes); then for each tensor in slice order: a matrix as P (rows x r float32,
// 4 bytes each) and Q (cols x r float32), i.e. 4 r (rows + cols) bytes; a non-matrix tensor as
// its numel float32 values (4 bytes each). values = sum of r (rows + cols) + sum of the
// non-matrix numel.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "algorithms/compressors/Compressor.h"
#include "algorithms/compressors/Slots.h"

namespace sasgsim {

// One matrix-shaped tensor of the model.
struct PowerSgdMatrix {
  int64_t offset;  // first entry in p
  int64_t rows;    // shape[0]
  int64_t cols;    // numel / rows
  int64_t rank;    // r = min(rank, rows, cols)
};

class PowerSgd : public Compressor {
 public:
  // Throws std::invalid_argument unless rank >= 1, workers >= 1, the slices tile [0, n) and
  // every slice's shape (when given) multiplies to its numel.
  PowerSgd(const CompressorOptions& options, const CompressorSetup& setup);

  Encoded encode(int worker, const torch::Tensor& p, int slot) override;
  void visit_state(StateArchive& archive) override;
  void decode_into(int slot, torch::Tensor& out) const override { slots_.decode_into(slot, out); }
  void add_decoded(int slot, torch::Tensor& out) const override { slots_.add_decoded(slot, out); }
  void subtract_decoded(int slot, torch::Tensor& e) const override { slots_.subtract_decoded(slot, e); }
  HeldBytes held(int /*slot*/) const override { return {kValueBytes * numel_, 0}; }
  // Two thin matrix products per matrix plus r^2 small vector operations, measured on CPU
  // against top-k's selection (bench/compressor_cost, bench/RESULTS.md).
  static constexpr double kCost = 2.9;
  double cost() const override { return kCost; }

  // The generator stream of this compressor (see worker_generator).
  static constexpr uint64_t kStream = static_cast<uint64_t>(CompressorKind::kPowerSgd);
  // Relative norm below which a Gram-Schmidt column counts as dependent on the previous ones.
  static constexpr double kDependentTolerance = 1e-4;

  int64_t numel() const { return numel_; }
  const std::vector<PowerSgdMatrix>& matrices() const { return matrices_; }
  // The Q [cols, r] the next encode of `worker` starts from for matrix `matrix`.
  const torch::Tensor& q(int worker, size_t matrix) const;
  const torch::Tensor& message(int slot) const { return slots_.row(slot); }
  Encoded encoded_size() const { return size_; }

 private:
  struct Dense {  // a tensor sent as it is
    int64_t offset;
    int64_t numel;
  };
  void split(const std::vector<TensorSlice>& slices, int64_t requested_rank);
  torch::Tensor draw_q(int worker, const PowerSgdMatrix& m);
  void check_worker(int worker) const;
  // One power-iteration step on m: writes P Q^T into `decoded` ([rows, cols]) and sets q to
  // the Q of the next step.
  void compress(const torch::Tensor& matrix, torch::Tensor& q, torch::Tensor decoded) const;

  int64_t numel_;
  bool warm_start_;
  torch::Device device_;
  std::vector<PowerSgdMatrix> matrices_;
  std::vector<Dense> dense_;
  Encoded size_;
  std::vector<torch::Generator> generators_;  // one per worker
  std::vector<std::vector<torch::Tensor>> q_;  // [worker][matrix]
  DenseSlots slots_;
};

}  // namespace sasgsim
