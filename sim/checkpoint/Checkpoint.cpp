#include "sim/checkpoint/Checkpoint.h"

#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include "sim/metrics/AtomicFile.h"
#include "sim/scenario/Errors.h"

namespace sasgsim {
namespace {

// Bumped whenever the meaning of a saved field changes.
constexpr int64_t kFormat = 1;
constexpr const char* kFormatKey = "checkpoint.format";

// Field name -> value, keys being string IValues.
using Fields = c10::impl::GenericDict;

// `t` on the CPU, copied where it is a view of a larger storage (which it would otherwise
// save whole) or lives on another device.
torch::Tensor compact_on_cpu(const torch::Tensor& t) {
  const bool whole_storage =
      t.is_contiguous() && t.storage_offset() == 0 &&
      t.storage().nbytes() == static_cast<size_t>(t.numel()) * t.element_size();
  if (t.is_cpu() && whole_storage) return t.detach();
  return t.detach().to(torch::kCPU).clone();
}

class StateSaver : public StateArchive {
 public:
  bool loading() const override { return false; }
  void tensor(const std::string& name, torch::Tensor& t) override {
    put(name, t.defined() ? c10::IValue(compact_on_cpu(t)) : c10::IValue());
  }
  void integer(const std::string& name, int64_t& v) override { put(name, v); }
  void number(const std::string& name, double& v) override { put(name, v); }
  void text(const std::string& name, std::string& v) override { put(name, v); }

  const Fields& fields() const { return fields_; }

 private:
  void put(const std::string& name, c10::IValue value) {
    const std::string k = key(name);
    if (fields_.contains(c10::IValue(k))) {
      throw std::logic_error("checkpoint field " + k + " declared twice");
    }
    fields_.insert(c10::IValue(k), std::move(value));
  }
  Fields fields_{c10::StringType::get(), c10::AnyType::get()};
};

class StateLoader : public StateArchive {
 public:
  StateLoader(std::string path, Fields fields)
      : path_(std::move(path)), fields_(std::move(fields)) {}

  bool loading() const override { return true; }
  void tensor(const std::string& name, torch::Tensor& t) override {
    const c10::IValue& v = get(name);
    if (v.isNone()) {
      t = torch::Tensor();
      return;
    }
    if (!v.isTensor()) fail(name, "is not a tensor");
    const torch::Tensor saved = v.toTensor();
    if (!t.defined()) {
      t = saved;
      return;
    }
    if (saved.sizes() != t.sizes() || saved.scalar_type() != t.scalar_type()) {
      fail(name, fmt::format("holds a {} tensor of shape {}, this run has {} of shape {}",
                             c10::toString(saved.scalar_type()), fmt::join(saved.sizes(), "x"),
                             c10::toString(t.scalar_type()), fmt::join(t.sizes(), "x")));
    }
    torch::NoGradGuard no_grad;
    t.copy_(saved);
  }
  void integer(const std::string& name, int64_t& v) override {
    const c10::IValue& iv = get(name);
    if (!iv.isInt()) fail(name, "is not an integer");
    v = iv.toInt();
  }
  void number(const std::string& name, double& v) override {
    const c10::IValue& iv = get(name);
    if (!iv.isDouble()) fail(name, "is not a number");
    v = iv.toDouble();
  }
  void text(const std::string& name, std::string& v) override {
    const c10::IValue& iv = get(name);
    if (!iv.isString()) fail(name, "is not a string");
    v = iv.toStringRef();
  }

  // Every field of the file must have been restored.
  void check_all_read() const {
    for (const auto& entry : fields_) {
      const std::string k = entry.key().isString() ? entry.key().toStringRef() : "?";
      if (!read_.count(k)) {
        throw DataError(fmt::format("{}: field \"{}\" belongs to no part of this run: the "
                                    "checkpoint was written for another scenario or sasgsim "
                                    "version",
                                    path_, k));
      }
    }
  }

 private:
  const c10::IValue& get(const std::string& name) {
    const std::string k = key(name);
    auto it = fields_.find(c10::IValue(k));
    if (it == fields_.end()) {
      throw DataError(fmt::format("{}: no field \"{}\": the checkpoint was written for another "
                                  "scenario or sasgsim version",
                                  path_, k));
    }
    read_.insert(k);
    held_ = it->value();
    return held_;
  }
  [[noreturn]] void fail(const std::string& name, const std::string& what) const {
    throw DataError(fmt::format("{}: field \"{}\" {}", path_, key(name), what));
  }

  std::string path_;
  Fields fields_;
  std::set<std::string> read_;
  c10::IValue held_;
};

Fields read_fields(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(fmt::format("cannot read checkpoint {}", path));
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  try {
    c10::IValue root = torch::pickle_load(bytes);
    if (!root.isGenericDict()) throw std::runtime_error("not a dictionary");
    return root.toGenericDict();
  } catch (const std::exception& e) {
    throw DataError(fmt::format("{} is not a sasgsim checkpoint: {}", path, e.what()));
  }
}

}  // namespace

void write_checkpoint(const std::string& path, const StateVisitor& visit) {
  StateSaver saver;
  int64_t format = kFormat;
  saver.integer(kFormatKey, format);
  visit(saver);
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(saver.fields()));
  write_file_atomically(path, std::string_view(bytes.data(), bytes.size()));
}

void read_checkpoint(const std::string& path, const StateVisitor& visit) {
  StateLoader loader(path, read_fields(path));
  int64_t format = 0;
  loader.integer(kFormatKey, format);
  if (format != kFormat) {
    throw DataError(fmt::format("{} has checkpoint format {}, this sasgsim reads format {}",
                                path, format, kFormat));
  }
  visit(loader);
  loader.check_all_read();
}

}  // namespace sasgsim
