#include "algorithms/TopK.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "algorithms/StepChecker.h"

namespace sasgsim {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::logic_error("TopK::select: " + what); }

void check_output(const torch::Tensor& t, const char* what, torch::ScalarType type,
                  int64_t kept, const torch::Device& device) {
  if (!t.defined() || t.scalar_type() != type || t.dim() != 1 || t.numel() != kept ||
      t.device() != device || !t.is_contiguous()) {
    std::ostringstream os;
    os << what << " must be a contiguous " << type << " [" << kept << "] on " << device;
    if (t.defined()) os << ", got " << t.scalar_type() << " " << t.sizes() << " on " << t.device();
    fail(os.str());
  }
}

}  // namespace

int64_t TopK::kept_count(double density, int64_t numel) {
  const auto k = static_cast<int64_t>(std::floor(density * static_cast<double>(numel)));
  return k < 1 ? 1 : k;
}

TopK::TopK(const std::vector<TensorSlice>& slices, double density, TopkScope scope,
           torch::Device device)
    : numel_(checked_flat_numel(slices, "TopK")) {
  if (!(density > 0.0 && density <= 1.0)) {
    throw std::invalid_argument("TopK: density must be in (0, 1], got " +
                                std::to_string(density));
  }
  switch (scope) {
    case TopkScope::kPerTensor:
      for (const TensorSlice& s : slices) {
        parts_.push_back(Part{s.offset, s.numel, kept_count(density, s.numel), kept_});
        kept_ += parts_.back().kept;
      }
      break;
    case TopkScope::kGlobal:
      parts_.push_back(Part{0, numel_, kept_count(density, numel_), 0});
      kept_ = parts_.back().kept;
      break;
    default:
      throw std::invalid_argument("TopK: unknown scope " + std::to_string(static_cast<int>(scope)));
  }
  const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  abs_ = torch::empty({numel_}, options);
  top_abs_ = torch::empty({kept_}, options);
}

void TopK::check_input(const torch::Tensor& p, const torch::Tensor& indices,
                       const torch::Tensor& values) const {
  if (!p.defined() || p.scalar_type() != torch::kFloat32 || p.dim() != 1 ||
      p.numel() != numel_ || p.device() != abs_.device()) {
    std::ostringstream os;
    os << "p must be a Float [" << numel_ << "] on " << abs_.device();
    if (p.defined()) os << ", got " << p.scalar_type() << " " << p.sizes() << " on " << p.device();
    fail(os.str());
  }
  check_output(indices, "indices", torch::kInt64, kept_, abs_.device());
  check_output(values, "values", torch::kFloat32, kept_, abs_.device());
}

template <class SelectPart>
void TopK::select_parts(const torch::Tensor& indices, SelectPart select_part) {
  int64_t* out = indices.data_ptr<int64_t>();
  for (const Part& part : parts_) {
    int64_t* where = out + part.out_offset;
    select_part(part, where);
    if (part.offset != 0) {
      for (int64_t i = 0; i < part.kept; ++i) where[i] += part.offset;
    }
  }
}

bool TopK::on_host(const torch::Tensor& p, const torch::Tensor& indices) {
  return p.device().is_cpu() && p.is_contiguous() && indices.is_contiguous();
}

void TopK::select(const torch::Tensor& p, const torch::Tensor& indices,
                  const torch::Tensor& values) {
  check_input(p, indices, values);
  if (on_host(p, indices)) {
    // Selection on the host: exact, deterministic, ~10x faster than torch::topk here.
    const float* data = p.data_ptr<float>();
    select_parts(indices, [&](const Part& part, int64_t* where) {
      cpu_.select(data + part.offset, part.numel, part.kept, where);
    });
  } else {
    torch::abs_out(abs_, p);
    for (const Part& part : parts_) {
      torch::Tensor top = top_abs_.narrow(0, part.out_offset, part.kept);
      torch::Tensor where = indices.narrow(0, part.out_offset, part.kept);
      torch::topk_out(top, where, abs_.narrow(0, part.offset, part.numel), part.kept, /*dim=*/0,
                      /*largest=*/true, /*sorted=*/false);
      if (part.offset != 0) where.add_(part.offset);
    }
  }
  torch::Tensor out = values;
  torch::index_select_out(out, p, 0, indices);
}

void TopK::select_with_feedback(torch::Tensor& e, const torch::Tensor& message,
                                const torch::Tensor& indices, const torch::Tensor& values) {
  check_input(e, indices, values);
  if (on_host(e, indices) && message.device().is_cpu() && message.is_contiguous() &&
      message.sizes() == e.sizes() && message.scalar_type() == torch::kFloat32) {
    float* accumulated = e.data_ptr<float>();
    const float* added = message.data_ptr<float>();
    select_parts(indices, [&](const Part& part, int64_t* where) {
      cpu_.select_accumulated(accumulated + part.offset, added + part.offset, part.numel,
                              part.kept, where);
    });
    const int64_t* kept = indices.data_ptr<int64_t>();
    float* kept_values = values.data_ptr<float>();
    for (int64_t i = 0; i < kept_; ++i) {
      kept_values[i] = accumulated[kept[i]];
      accumulated[kept[i]] = 0.0f;  // exactly p off the kept positions
    }
    return;
  }
  e.add_(message);
  select(e, indices, values);
  e.index_fill_(0, indices, 0.0f);
}

}  // namespace sasgsim
