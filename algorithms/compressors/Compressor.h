// The Compressor interface: what a worker sends when it uploads (the "what" of an algorithm;
// the rule in algorithms/rules/ decides "when"). A compressor encodes a flat float32 vector p
// (lr * g, or lr * g plus the error-feedback residual) into a message whose honest wire size it
// reports, and keeps the decoded message in a numbered slot that the server side sums later:
// the always-send rule uses one slot (consumed in the same iteration), the lazy rule one slot per
// worker (the server's stale copy), the periodic rule one slot.
//
// Every compressor has its own file in algorithms/compressors/, its options in
// CompressorOptions.h, its wire encoding documented in its header and in docs/algorithms.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "algorithms/Wire.h"
#include "algorithms/compressors/CompressorOptions.h"
#include "models/FlatParameters.h"

namespace sasgsim {

class StateArchive;

struct CompressorSetup {
  int workers = 0;                  // M
  std::vector<TensorSlice> slices;  // the model's parameter tensors in the flat vector
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;                // the run's seed; stochastic compressors derive theirs
  int slots = 1;                    // decoded messages held at once (see the rules)
};

// What one encoded message is.
struct Encoded {
  int64_t values = 0;         // entries the message carries (paper bits = 32 * values)
  int64_t payload_bytes = 0;  // its wire size, header included
};

// What the server holds for one slot's message between iterations (lazy rule).
struct HeldBytes {
  int64_t value_bytes = 0;
  int64_t index_bytes = 0;
};

class Compressor {
 public:
  virtual ~Compressor() = default;

  // Called at the start of iteration t with its learning rate (schedules, e.g. DGC's warm-up).
  virtual void begin_iteration(int64_t iteration, double lr);

  // Encodes worker `worker`'s vector p (float32 flat [n] on the device; not modified) into
  // `slot` (0 .. slots-1), replacing what the slot held.
  virtual Encoded encode(int worker, const torch::Tensor& p, int slot) = 0;

  // Error feedback around encode: e += message (float32 [n], not modified); encodes e into
  // `slot`; e -= the decoded message. The default does the three steps one after another; a
  // compressor may fuse them (top-k on the CPU makes one pass over e).
  virtual Encoded encode_with_feedback(int worker, torch::Tensor& e, const torch::Tensor& message,
                                       int slot);

  // out = the decoded message in `slot`; out += it; e -= it (error feedback: e keeps what the
  // message did not carry). out and e are float32 [n] on the device.
  virtual void decode_into(int slot, torch::Tensor& out) const = 0;
  virtual void add_decoded(int slot, torch::Tensor& out) const = 0;
  virtual void subtract_decoded(int slot, torch::Tensor& e) const = 0;

  // What the server keeps of the message in `slot` when it stores it (lazy rule).
  virtual HeldBytes held(int slot) const = 0;

  // What the compressor keeps from one iteration to the next (StateArchive.h): the slots'
  // messages, random generators, warm starts, accumulators.
  virtual void visit_state(StateArchive& archive) = 0;

  // Compute per encode, in units of one top-k selection over the model (the compute model's
  // topk_time or topk_flops_per_element); 0 for a free encoding.
  virtual double cost() const = 0;
};

// A generator on `device` for worker `worker` of a stochastic compressor, seeded from the run's
// seed, the worker and `stream` (a constant per compressor), so runs repeat exactly.
torch::Generator worker_generator(uint64_t seed, int worker, uint64_t stream, torch::Device device);

// Builds the compressor `options` name; throws std::invalid_argument on options it rejects.
std::unique_ptr<Compressor> make_compressor(const CompressorOptions& options,
                                            const CompressorSetup& setup);

}  // namespace sasgsim
