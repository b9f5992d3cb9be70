#include "algorithms/compressors/Qsgd.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

namespace {

int bit_width(uint64_t n) {
  int width = 0;
  for (; n != 0; n >>= 1) ++width;
  return width;
}

int64_t checked_levels(int64_t levels) {
  if (levels < 1 || levels > Qsgd::kMaxLevels) {
    throw std::invalid_argument("qsgd: levels must be in [1, " + std::to_string(Qsgd::kMaxLevels) +
                                "], got " + std::to_string(levels));
  }
  return levels;
}

int64_t checked_bucket(int64_t bucket) {
  if (bucket < 0) {
    throw std::invalid_argument("qsgd: bucket must be >= 0 (0: one bucket per tensor), got " +
                                std::to_string(bucket));
  }
  return bucket;
}

// out[i] = the L2 norm of the bucket holding entry i, for the entries of tensor `s`. The norms
// stay on the device (no synchronization per tensor).
void fill_bucket_norms(const torch::Tensor& p, const TensorSlice& s, int64_t bucket,
                       torch::Tensor& out) {
  const int64_t width = (bucket == 0 || bucket > s.numel) ? s.numel : bucket;
  const int64_t full = s.numel / width;
  const int64_t tail = s.numel - full * width;
  if (full > 0) {
    const torch::Tensor v = p.narrow(0, s.offset, full * width).reshape({full, width});
    const torch::Tensor norms = v.norm(2, {1}, /*keepdim=*/true);
    out.narrow(0, s.offset, full * width).view({full, width}).copy_(norms.expand({full, width}));
  }
  if (tail > 0) {
    const int64_t start = s.offset + full * width;
    out.narrow(0, start, tail).copy_(p.narrow(0, start, tail).norm().expand({tail}));
  }
}

}  // namespace

int64_t elias_omega_bits(uint64_t n) {
  if (n == 0) throw std::invalid_argument("elias_omega_bits: n must be >= 1, got 0");
  int64_t bits = 1;  // the closing "0"
  while (n > 1) {
    const int width = bit_width(n);
    bits += width;  // n in binary, preceded by the code of width - 1
    n = static_cast<uint64_t>(width - 1);
  }
  return bits;
}

Qsgd::Qsgd(const CompressorOptions& options, const CompressorSetup& setup)
    : slices_(setup.slices),
      numel_(checked_flat_numel(setup.slices, "qsgd")),
      levels_per_sign_(checked_levels(options.levels)),
      bucket_(checked_bucket(options.bucket)),
      elias_(options.elias),
      bucket_lengths_(bucket_lengths(slices_, bucket_)),
      device_(setup.device),
      uniform_(torch::empty({numel_},
                            torch::TensorOptions().dtype(torch::kFloat32).device(setup.device))),
      levels_(torch::zeros({numel_},
                           torch::TensorOptions().dtype(torch::kFloat32).device(setup.device))),
      slots_(setup.slots, numel_, setup.device) {
  if (setup.workers < 1) {
    throw std::invalid_argument("qsgd: workers must be >= 1, got " +
                                std::to_string(setup.workers));
  }
  for (int w = 0; w < setup.workers; ++w) {
    generators_.push_back(worker_generator(setup.seed, w, kStream, setup.device));
  }
}

std::vector<int64_t> Qsgd::bucket_lengths(const std::vector<TensorSlice>& slices,
                                          int64_t bucket) {
  std::vector<int64_t> lengths;
  for (const TensorSlice& s : slices) {
    const int64_t width = (bucket == 0 || bucket > s.numel) ? s.numel : bucket;
    for (int64_t start = 0; start < s.numel; start += width) {
      lengths.push_back(std::min(width, s.numel - start));
    }
  }
  return lengths;
}

void Qsgd::quantize(const torch::Tensor& p, const torch::Tensor& uniform,
                    const std::vector<TensorSlice>& slices, int64_t bucket, int64_t levels,
                    torch::Tensor& level_out, torch::Tensor& out) {
  for (const TensorSlice& s : slices) fill_bucket_norms(p, s, bucket, out);  // out = norms
  const auto s = static_cast<double>(levels);
  // r = |v| s / norm: multiplying first keeps entries that lie on a level exact (3 * 5 / 5).
  torch::abs_out(level_out, p).mul_(s).div_(out);
  torch::Tensor level = level_out.floor();
  level_out.sub_(level);                  // r - l
  level.add_(uniform.lt(level_out));      // l + 1 with probability r - l
  level_out.copy_(level);
  // A zero bucket gives 0 / 0; rounding may push r a hair above s.
  level_out.masked_fill_(out.eq(0.0), 0.0).clamp_max_(s);
  out.mul_(level_out).div_(s).mul_(torch::sign(p));
}

Encoded Qsgd::encode(int worker, const torch::Tensor& p, int slot) {
  if (worker < 0 || worker >= static_cast<int>(generators_.size())) {
    throw std::logic_error("qsgd: worker " + std::to_string(worker) + " out of range [0, " +
                           std::to_string(generators_.size()) + ")");
  }
  check_encode_input("qsgd", p, numel_, device_);
  torch::Tensor& out = slots_.row(slot);  // checks the slot before any work
  uniform_.uniform_(0.0, 1.0, generators_[static_cast<size_t>(worker)]);
  quantize(p, uniform_, slices_, bucket_, levels_per_sign_, levels_, out);
  return elias_ ? elias_size() : fixed_width_size();
}

Encoded Qsgd::fixed_width_size() const {
  const int64_t entry_bits = 1 + bit_width(static_cast<uint64_t>(levels_per_sign_));
  return {numel_,
          kUploadHeaderBytes + kValueBytes * buckets() + bytes_for_bits(numel_ * entry_bits)};
}

Encoded Qsgd::elias_size() const {
  const torch::Tensor host = levels_.to(torch::kInt32).cpu().contiguous();
  const int32_t* level = host.data_ptr<int32_t>();
  int64_t bits = 0;
  int64_t nonzeros = 0;
  for (const int64_t length : bucket_lengths_) {
    int64_t previous = -1;
    int64_t count = 0;
    for (int64_t i = 0; i < length; ++i) {
      if (level[i] == 0) continue;
      bits += elias_omega_bits(static_cast<uint64_t>(i - previous)) + 1 +
              elias_omega_bits(static_cast<uint64_t>(level[i]));
      previous = i;
      ++count;
    }
    bits += elias_omega_bits(static_cast<uint64_t>(count + 1));
    nonzeros += count;
    level += length;
  }
  return {nonzeros, kUploadHeaderBytes + kValueBytes * buckets() + bytes_for_bits(bits)};
}

void Qsgd::visit_state(StateArchive& archive) {
  archive.generators("generator", generators_);
  slots_.visit_state(archive);
}

}  // namespace sasgsim
