// Helpers for the data tests: a scratch directory per test and writers for the raw formats.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"
#include "tests/support/TempDir.h"

namespace sasgsim::testing {

using Bytes = std::vector<uint8_t>;

// A fixture with a fresh temporary directory, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  sasgsim::test::TempDir tmp_{"sasgsim_data"};
  std::filesystem::path dir_ = tmp_.path();
};

inline void append_u32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

inline void write_bytes(const std::string& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file);
}

inline void write_gzip(const std::string& file, const Bytes& bytes) {
  gzFile gz = gzopen(file.c_str(), "wb");
  if (gz == nullptr) throw std::runtime_error("cannot open " + file);
  if (!bytes.empty() && gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) <= 0) {
    throw std::runtime_error("gzwrite failed on " + file);
  }
  gzclose(gz);
}

// IDX images: n images of h x w whose pixel (i, y, x) is pixel(i, y, x).
inline Bytes idx_images(uint32_t n, uint32_t h, uint32_t w,
                        const std::function<uint8_t(uint32_t, uint32_t, uint32_t)>& pixel) {
  Bytes out;
  append_u32(out, 2051);
  append_u32(out, n);
  append_u32(out, h);
  append_u32(out, w);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x) out.push_back(pixel(i, y, x));
  return out;
}

inline Bytes idx_labels(const std::vector<uint8_t>& labels) {
  Bytes out;
  append_u32(out, 2049);
  append_u32(out, static_cast<uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

// The pixel value the CIFAR writer stores at (record, channel, y, x).
inline uint8_t cifar_pixel(uint32_t i, uint32_t c, uint32_t y, uint32_t x) {
  return static_cast<uint8_t>((i * 7 + c * 50 + y * 3 + x) % 256);
}

// CIFAR records with the given labels (fine labels for CIFAR-100, whose coarse byte is fine/5).
inline Bytes cifar_records(const std::vector<uint8_t>& labels, bool cifar100,
                           uint32_t first_index = 0) {
  Bytes out;
  for (size_t k = 0; k < labels.size(); ++k) {
    if (cifar100) out.push_back(static_cast<uint8_t>(labels[k] / 5));
    out.push_back(labels[k]);
    const auto i = static_cast<uint32_t>(k) + first_index;
    for (uint32_t c = 0; c < 3; ++c)
      for (uint32_t y = 0; y < 32; ++y)
        for (uint32_t x = 0; x < 32; ++x) out.push_back(cifar_pixel(i, c, y, x));
  }
  return out;
}

// A scenario over a synthetic dataset (everything else at its defaults).
inline Scenario synthetic_scenario(int workers, int64_t batch, int64_t train_size,
                                   std::vector<int64_t> shape = {1, 8, 8}, uint64_t seed = 7) {
  Scenario s;
  s.seed = seed;
  s.workers = workers;
  s.data.batch_size = batch;
  s.data.primary.kind = DatasetKind::kSynthetic;
  s.data.primary.synthetic.train_size = train_size;
  s.data.primary.synthetic.test_size = 50;
  s.data.primary.synthetic.classes = 10;
  s.data.primary.synthetic.shape = std::move(shape);
  return s;
}

// Runs `f` and returns the DataError's message; fails the test if no DataError is thrown.
template <typename F>
std::string data_error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a DataError";
  return "";
}

inline std::vector<int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

}  // namespace sasgsim::testing
