// The state a checkpoint holds, as each stateful part of a run declares it. A part lists its
// state once, in `void visit_state(StateArchive& archive)`, field by field; the same function
// saves (the archive reads each field) and restores (the archive overwrites each field in
// place), so what is saved and what is restored cannot drift apart. Scratch buffers and what
// begin_iteration recomputes are not state: checkpoints are taken between iterations.
// The file format and the run-level checkpoint are in Checkpoint.h.
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace sasgsim {

class StateArchive {
 public:
  virtual ~StateArchive() = default;

  // True when restoring a checkpoint, false when saving one.
  virtual bool loading() const = 0;

  // A tensor, saved as it is (an undefined one too). Restored in place when `t` is defined:
  // the same shape and dtype are required (views of it keep seeing it); otherwise assigned,
  // on the CPU.
  virtual void tensor(const std::string& name, torch::Tensor& t) = 0;
  virtual void integer(const std::string& name, int64_t& v) = 0;
  virtual void number(const std::string& name, double& v) = 0;  // bit for bit
  virtual void text(const std::string& name, std::string& v) = 0;

  void flag(const std::string& name, bool& v) {
    int64_t i = v ? 1 : 0;
    integer(name, i);
    v = i != 0;
  }
  void integer(const std::string& name, int& v) {
    int64_t i = v;
    integer(name, i);
    if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) {
      throw std::runtime_error("checkpoint field " + key(name) + " is out of range");
    }
    v = static_cast<int>(i);
  }
  // Small per-worker vectors, as int64 tensors on the CPU.
  template <typename Int>
  void integers(const std::string& name, std::vector<Int>& v) {
    torch::Tensor t = loading() ? torch::Tensor()
                                : torch::tensor(std::vector<int64_t>(v.begin(), v.end()),
                                                torch::kInt64);
    tensor(name, t);
    if (!loading()) return;
    t = t.to(torch::kInt64).contiguous();
    v.assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  }
  void tensors(const std::string& name, std::vector<torch::Tensor>& v) {
    int64_t count = static_cast<int64_t>(v.size());
    integer(name + ".count", count);
    if (loading()) v.resize(static_cast<size_t>(count));
    for (size_t i = 0; i < v.size(); ++i) tensor(name + "." + std::to_string(i), v[i]);
  }
  // A LibTorch generator's complete state.
  void generator(const std::string& name, at::Generator& g) {
    torch::Tensor state = loading() ? torch::Tensor() : g.get_state();
    tensor(name, state);
    if (loading()) g.set_state(state);
  }
  void generators(const std::string& name, std::vector<at::Generator>& v) {
    for (size_t i = 0; i < v.size(); ++i) generator(name + "." + std::to_string(i), v[i]);
  }
  // A standard engine's state, in the text form the C++ standard defines for it.
  void engine(const std::string& name, std::mt19937_64& rng) {
    std::ostringstream out;
    out << rng;
    std::string state = out.str();
    text(name, state);
    if (!loading()) return;
    std::istringstream in(state);
    in >> rng;
    if (!in) throw std::runtime_error("checkpoint field " + key(name) + " is not an engine state");
  }

  // Names given inside a Scope are prefixed with "<name>.".
  class Scope {
   public:
    Scope(StateArchive& archive, const std::string& name)
        : archive_(archive), saved_(archive.prefix_) {
      archive_.prefix_ += name + ".";
    }
    ~Scope() { archive_.prefix_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    StateArchive& archive_;
    std::string saved_;
  };

 protected:
  std::string key(const std::string& name) const { return prefix_ + name; }

 private:
  std::string prefix_;
};

}  // namespace sasgsim
