// make_compressor and what every compressor shares.
#include "algorithms/compressors/Compressor.h"

#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/torch.h>

#include "algorithms/compressors/Cast.h"
#include "algorithms/compressors/Dgc.h"
#include "algorithms/compressors/Identity.h"
#include "algorithms/compressors/PowerSgd.h"
#include "algorithms/compressors/Qsgd.h"
#include "algorithms/compressors/RandomK.h"
#include "algorithms/compressors/SignSgd.h"
#include "algorithms/compressors/TernGrad.h"
#include "algorithms/compressors/Threshold.h"
#include "algorithms/compressors/TopKCompressor.h"

namespace sasgsim {

void Compressor::begin_iteration(int64_t /*iteration*/, double /*lr*/) {}

Encoded Compressor::encode_with_feedback(int worker, torch::Tensor& e,
                                         const torch::Tensor& message, int slot) {
  e.add_(message);
  const Encoded encoded = encode(worker, e, slot);
  subtract_decoded(slot, e);
  return encoded;
}

torch::Generator worker_generator(uint64_t seed, int worker, uint64_t stream, torch::Device device) {
  // splitmix64 of (seed, worker, stream): distinct, well-mixed seeds per worker and compressor.
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(worker) + 1) +
               0xBF58476D1CE4E5B9ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  // A fresh CPU generator seeded with z draws as a clone of the default one reseeded does;
  // LibTorch 1.13's Generator::clone() never frees the clone (LeakSanitizer), so it serves only
  // for the other devices' generators.
  if (device.is_cpu()) return at::make_generator<at::CPUGeneratorImpl>(z);
  torch::Generator g = at::globalContext().defaultGenerator(device).clone();
  g.set_current_seed(z);
  return g;
}

std::unique_ptr<Compressor> make_compressor(const CompressorOptions& options,
                                            const CompressorSetup& setup) {
  switch (options.kind) {
    case CompressorKind::kIdentity: return std::make_unique<Identity>(setup);
    case CompressorKind::kTopK: return std::make_unique<TopKCompressor>(options, setup);
    case CompressorKind::kRandomK: return std::make_unique<RandomK>(options, setup);
    case CompressorKind::kThreshold: return std::make_unique<Threshold>(options, setup);
    case CompressorKind::kQsgd: return std::make_unique<Qsgd>(options, setup);
    case CompressorKind::kSignSgd: return std::make_unique<SignSgd>(options, setup);
    case CompressorKind::kTernGrad: return std::make_unique<TernGrad>(options, setup);
    case CompressorKind::kPowerSgd: return std::make_unique<PowerSgd>(options, setup);
    case CompressorKind::kDgc: return std::make_unique<Dgc>(options, setup);
    case CompressorKind::kFp16: return std::make_unique<Cast>(torch::kFloat16, setup);
    case CompressorKind::kBf16: return std::make_unique<Cast>(torch::kBFloat16, setup);
  }
  throw std::invalid_argument("make_compressor: unknown compressor " +
                              std::to_string(static_cast<int>(options.kind)));
}

}  // namespace sasgsim
