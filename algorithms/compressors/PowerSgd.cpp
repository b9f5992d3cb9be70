#include "algorithms/compressors/PowerSgd.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

namespace {

int64_t shape_numel(const std::vector<int64_t>& shape) {
  int64_t product = 1;
  for (int64_t size : shape) product *= size;
  return product;
}

// Orthonormalises the columns of p [rows, r] in place by modified Gram-Schmidt (normalise a
// column, remove it from the later ones), as the authors' code does. A column whose remainder
// is below kDependentTolerance of its original norm is set to zero instead of normalised (see
// the header). Returns a float [r] tensor: 1 for the columns kept, 0 for the dropped ones.
// Everything stays on p's device: no host synchronisation per column.
torch::Tensor orthonormalise(torch::Tensor& p) {
  const int64_t r = p.size(1);
  const torch::Tensor original_norms = torch::linalg_vector_norm(p, 2, at::IntArrayRef{0});
  torch::Tensor kept = torch::empty({r}, p.options());
  for (int64_t i = 0; i < r; ++i) {
    torch::Tensor column = p.select(1, i);
    const torch::Tensor norm = torch::linalg_vector_norm(column);
    const torch::Tensor independent = norm > original_norms[i] * PowerSgd::kDependentTolerance;
    // reciprocal is inf for a zero norm; where() never lets it reach the column.
    column.mul_(torch::where(independent, norm.reciprocal(), torch::zeros_like(norm)));
    kept[i].copy_(independent);
    if (i + 1 < r) {
      torch::Tensor rest = p.narrow(1, i + 1, r - i - 1);
      const torch::Tensor c = column.unsqueeze(1);  // [rows, 1]
      rest.sub_(c.mm(c.t().mm(rest)));              // rest -= c (c^T rest)
    }
  }
  return kept;
}

}  // namespace

PowerSgd::PowerSgd(const CompressorOptions& options, const CompressorSetup& setup)
    : numel_(checked_flat_numel(setup.slices, "powersgd")),
      warm_start_(options.warm_start),
      device_(setup.device),
      slots_(setup.slots, numel_, setup.device) {
  if (options.rank < 1) {
    throw std::invalid_argument("powersgd: rank must be >= 1, got " + std::to_string(options.rank));
  }
  if (setup.workers < 1) {
    throw std::invalid_argument("powersgd: workers must be >= 1, got " +
                                std::to_string(setup.workers));
  }
  split(setup.slices, options.rank);
  for (int w = 0; w < setup.workers; ++w) {
    generators_.push_back(worker_generator(setup.seed, w, kStream, setup.device));
    q_.emplace_back();
    for (const PowerSgdMatrix& m : matrices_) q_.back().push_back(draw_q(w, m));
  }
}

void PowerSgd::split(const std::vector<TensorSlice>& slices, int64_t requested_rank) {
  size_ = Encoded{0, kUploadHeaderBytes};
  for (const TensorSlice& s : slices) {
    if (!s.shape.empty() && shape_numel(s.shape) != s.numel) {
      throw std::invalid_argument("powersgd: the shape of slice '" + s.name +
                                  "' does not multiply to its numel " + std::to_string(s.numel));
    }
    if (s.shape.size() < 2) {
      dense_.push_back(Dense{s.offset, s.numel});
      size_.values += s.numel;
      continue;
    }
    const int64_t rows = s.shape[0];
    const int64_t cols = s.numel / rows;
    const int64_t rank = std::min({requested_rank, rows, cols});
    matrices_.push_back(PowerSgdMatrix{s.offset, rows, cols, rank});
    size_.values += rank * (rows + cols);
  }
  size_.payload_bytes += kValueBytes * size_.values;
}

torch::Tensor PowerSgd::draw_q(int worker, const PowerSgdMatrix& m) {
  const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device_);
  return torch::randn({m.cols, m.rank}, generators_[static_cast<size_t>(worker)], options);
}

void PowerSgd::check_worker(int worker) const {
  if (worker < 0 || worker >= static_cast<int>(q_.size())) {
    throw std::logic_error("powersgd: worker " + std::to_string(worker) + " out of range [0, " +
                           std::to_string(q_.size()) + ")");
  }
}

const torch::Tensor& PowerSgd::q(int worker, size_t matrix) const {
  check_worker(worker);
  return q_[static_cast<size_t>(worker)].at(matrix);
}

void PowerSgd::compress(const torch::Tensor& matrix, torch::Tensor& q,
                        torch::Tensor decoded) const {
  torch::Tensor p = matrix.mm(q);  // [rows, r]
  const torch::Tensor kept = orthonormalise(p);
  const torch::Tensor q_next = matrix.t().mm(p);  // [cols, r]; zero columns where dropped
  torch::mm_out(decoded, p, q_next.t());
  // A dropped column keeps its previous Q, so a later M of higher rank finds it again.
  q = q_next + q * (1.0 - kept);
}

Encoded PowerSgd::encode(int worker, const torch::Tensor& p, int slot) {
  check_worker(worker);
  check_encode_input("powersgd", p, numel_, device_);
  torch::Tensor& out = slots_.row(slot);
  std::vector<torch::Tensor>& qs = q_[static_cast<size_t>(worker)];
  for (size_t i = 0; i < matrices_.size(); ++i) {
    const PowerSgdMatrix& m = matrices_[i];
    const int64_t numel = m.rows * m.cols;
    const torch::Tensor matrix = p.narrow(0, m.offset, numel).reshape({m.rows, m.cols});
    compress(matrix, qs[i], out.narrow(0, m.offset, numel).view({m.rows, m.cols}));
    if (!warm_start_) qs[i] = draw_q(worker, m);
  }
  for (const Dense& d : dense_) {
    out.narrow(0, d.offset, d.numel).copy_(p.narrow(0, d.offset, d.numel));
  }
  return size_;
}

void PowerSgd::visit_state(StateArchive& archive) {
  archive.generators("generator", generators_);
  for (size_t w = 0; w < q_.size(); ++w) archive.tensors("q" + std::to_string(w), q_[w]);
  slots_.visit_state(archive);
}

}  // namespace sasgsim
