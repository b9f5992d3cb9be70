// Microseconds per encode of every compressor on a vector of 1M float32 entries shaped like a
// layer (a 999 x 1000 weight matrix and a 1000-entry bias),
// and each one's cost relative to top-k: the `cost()` units the compute model charges.
// Usage: compressor_cost [REPEATS] (default 20); prints a Markdown table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "algorithms/compressors/Compressor.h"

namespace {

using sasgsim::CompressorKind;
using sasgsim::CompressorOptions;

// The median time of `repeats` encodes, in microseconds.
double median_encode_us(sasgsim::Compressor& c, const torch::Tensor& p, int repeats) {
  std::vector<double> us;
  c.encode(0, p, 0);  // warm-up: first-touch allocations
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    c.encode(0, p, 0);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

CompressorOptions options_for(CompressorKind kind) {
  CompressorOptions o;
  o.kind = kind;
  o.density = 0.01;
  o.threshold = 2.5;  // about 1.2% of standard-normal entries
  o.rank = 4;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  torch::set_num_threads(1);
  const std::vector<sasgsim::TensorSlice> slices{{"fc.weight", 0, 999000, {999, 1000}},
                                                 {"fc.bias", 999000, 1000, {1000}}};
  torch::manual_seed(1);
  const torch::Tensor p = torch::randn({1000000});
  const sasgsim::CompressorSetup setup{1, slices, torch::kCPU, 42, 1};
  std::vector<std::pair<std::string, double>> rows;
  for (const auto& [kind, name] : sasgsim::EnumNames<CompressorKind>::kNames) {
    auto c = sasgsim::make_compressor(options_for(kind), setup);
    rows.emplace_back(name, median_encode_us(*c, p, repeats));
    if (kind == CompressorKind::kQsgd) {
      CompressorOptions elias = options_for(kind);
      elias.elias = true;
      auto e = sasgsim::make_compressor(elias, setup);
      rows.emplace_back("qsgd (elias)", median_encode_us(*e, p, repeats));
    }
  }
  double topk_us = 0.0;
  for (const auto& [name, us] : rows) {
    if (name == "topk") topk_us = us;
  }
  std::printf("1M entries (999 x 1000 matrix + 1000 vector), median of %d encodes, 1 thread\n\n",
              repeats);
  std::printf("| compressor | us per encode | relative to topk |\n|---|---|---|\n");
  for (const auto& [name, us] : rows) {
    std::printf("| %s | %.0f | %.2f |\n", name.c_str(), us, us / topk_us);
  }
  return 0;
}
