#include "algorithms/compressors/RandomK.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"
#include "algorithms/compressors/EncodeInput.h"
#include "algorithms/TopK.h"
#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

namespace {

int64_t kept_total(const std::vector<RandomKPart>& parts) {
  int64_t kept = 0;
  for (const RandomKPart& part : parts) kept += part.kept;
  return kept;
}

}  // namespace

std::vector<RandomK::Part> RandomK::make_parts(const CompressorOptions& options,
                                               const std::vector<TensorSlice>& slices,
                                               int64_t numel) {
  if (!(options.density > 0.0 && options.density <= 1.0)) {
    throw std::invalid_argument("randomk: density must be in (0, 1], got " +
                                std::to_string(options.density));
  }
  std::vector<Part> parts;
  switch (options.scope) {
    case TopkScope::kPerTensor: {
      int64_t out = 0;
      for (const TensorSlice& s : slices) {
        parts.push_back(Part{s.offset, s.numel, TopK::kept_count(options.density, s.numel), out});
        out += parts.back().kept;
      }
      return parts;
    }
    case TopkScope::kGlobal:
      parts.push_back(Part{0, numel, TopK::kept_count(options.density, numel), 0});
      return parts;
  }
  throw std::invalid_argument("randomk: unknown scope " +
                              std::to_string(static_cast<int>(options.scope)));
}

RandomK::RandomK(const CompressorOptions& options, const CompressorSetup& setup)
    : numel_(checked_flat_numel(setup.slices, "randomk")),
      unbiased_(options.unbiased),
      parts_(make_parts(options, setup.slices, numel_)),
      kept_(kept_total(parts_)),
      device_(setup.device),
      slots_(setup.slots, kept_, numel_, setup.device, /*exact=*/!options.unbiased),
      seen_(static_cast<size_t>(numel_), 0) {
  if (setup.workers < 1) {
    throw std::invalid_argument("randomk: workers must be >= 1, got " +
                                std::to_string(setup.workers));
  }
  for (int w = 0; w < setup.workers; ++w) {
    generators_.push_back(worker_generator(setup.seed, w, kStream, setup.device));
  }
}

void RandomK::draw_positions(int64_t n, int64_t k, torch::Generator& gen, torch::Tensor& out) {
  const auto options = torch::TensorOptions().dtype(torch::kInt64).device(device_);
  if (2 * k > n) {
    out.copy_(std::get<0>(torch::randperm(n, gen, options).narrow(0, 0, k).sort()));
    return;
  }
  std::vector<int64_t> found;
  found.reserve(static_cast<size_t>(k));
  while (static_cast<int64_t>(found.size()) < k) {
    const int64_t batch = 2 * (k - static_cast<int64_t>(found.size())) + 16;
    const torch::Tensor draws = torch::randint(n, {batch}, gen, options).cpu();
    const int64_t* d = draws.data_ptr<int64_t>();
    for (int64_t i = 0; i < batch && static_cast<int64_t>(found.size()) < k; ++i) {
      if (seen_[static_cast<size_t>(d[i])]) continue;
      seen_[static_cast<size_t>(d[i])] = 1;
      found.push_back(d[i]);
    }
  }
  for (const int64_t i : found) seen_[static_cast<size_t>(i)] = 0;
  std::sort(found.begin(), found.end());
  out.copy_(torch::from_blob(found.data(), {k}, torch::kInt64));
}

Encoded RandomK::encode(int worker, const torch::Tensor& p, int slot) {
  if (worker < 0 || worker >= static_cast<int>(generators_.size())) {
    throw std::logic_error("randomk: worker " + std::to_string(worker) + " out of range [0, " +
                           std::to_string(generators_.size()) + ")");
  }
  check_encode_input("randomk", p, numel_, device_);
  torch::Generator& gen = generators_[static_cast<size_t>(worker)];
  const torch::Tensor indices = slots_.indices(slot, kept_);
  const torch::Tensor values = slots_.values(slot, kept_);
  for (const Part& part : parts_) {
    torch::Tensor where = indices.narrow(0, part.out_offset, part.kept);
    draw_positions(part.numel, part.kept, gen, where);
    if (part.offset != 0) where.add_(part.offset);
  }
  torch::Tensor out = values;
  torch::index_select_out(out, p, 0, indices);
  if (unbiased_) {
    // Each position is kept with probability k_l / n_l: scaling by n_l / k_l removes the bias.
    for (const Part& part : parts_) {
      values.narrow(0, part.out_offset, part.kept)
          .mul_(static_cast<double>(part.numel) / static_cast<double>(part.kept));
    }
  }
  return {kept_, kUploadHeaderBytes + (kValueBytes + kIndexBytes) * kept_};
}

void RandomK::visit_state(StateArchive& archive) {
  archive.generators("generator", generators_);
  slots_.visit_state(archive);
}

}  // namespace sasgsim
