// The packet-level backend: worker uploads (and the optional model downlink) simulated by
// ns-3 over TCP. fidelity "exact" runs one continuous simulation of every iteration;
// "memo" simulates each distinct pattern once, in a freshly built network warmed up by
// repeating it, and reuses the result. A pattern's steady state can alternate between
// outcomes (a delayed ACK left over from one transfer slows the next), so memo records
// kMemoSamples consecutive warm outcomes and successive uses of the pattern cycle through them.
#pragma once

#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "sim/net/LinkTraffic.h"
#include "sim/net/MessageTiming.h"
#include "sim/net/Network.h"

namespace sasgsim {

class Ns3Session;
struct Ns3SessionSetup;

class Ns3Network : public Network {
 public:
  static constexpr int kMemoSamples = 4;

  Ns3Network(const NetworkOptions& options, const NetworkSetup& setup);
  ~Ns3Network() override;
  std::string name() const override { return "ns3"; }
  nlohmann::json summary() const override;

 protected:
  TransferResult simulate(int64_t iteration, const std::vector<Upload>& uploads,
                          const ComputeSpan& compute) override;

 private:
  // A simulated pattern: uploads (by position) and/or the downlink.
  struct Measured {
    TransferResult result;
    std::vector<LinkTraffic> links;  // as simulated, indexed by link
  };
  struct Entry {
    std::vector<Measured> samples;  // consecutive warm outcomes
    std::vector<Upload> simulated;  // the uploads as simulated (their workers' links)
    size_t next = 0;                // the sample the next use of the pattern gets
  };
  // A lone sequential upload's network part, concurrent uploads with the hosts' costs, or
  // the downlink (its workers' ready messages composed: by worker, when each is in).
  enum class PatternKind { kSequentialLeg, kConcurrent, kDownlink };
  // The pattern's key: its kind, per upload (link class, bytes, computed in ns) or for the
  // downlink per late worker (worker, 0, how much later than the model its ready message is
  // in, in ns), and the compute span in ns (server, slowest); times are 0 where the pattern
  // does not use them.
  using Key = std::tuple<PatternKind, std::vector<std::tuple<int, int64_t, int64_t>>, int64_t,
                         int64_t>;
  static constexpr int kLocalClass = -1;  // a co-located worker 0: no link

  // The pattern's outcome for this use, simulating it first when it is new; *simulated gets
  // the uploads as they were simulated.
  const Measured& measure(const Key& key, const std::vector<Upload>& uploads,
                          const ComputeSpan& compute, bool downlink,
                          const std::vector<Upload>** simulated,
                          const std::vector<double>& model_ready_s = {});
  // Adds a pattern's traffic to the run's totals, its uploads' links renamed to `workers`.
  void account(const Measured& m, const std::vector<Upload>& simulated,
               const std::vector<Upload>& actual);
  void account_downlink(const Measured& m);
  // A lone message of `bytes` from `worker` to the server, without the hosts' costs.
  const Measured& lone_message(int worker, int64_t bytes, const std::vector<Upload>** simulated);
  // Upload `up`'s network part in a sequential iteration (measured, traffic accounted).
  NetworkLeg sequential_leg(const Upload& up, TransferResult& result);
  // The model broadcast after `result`'s uploads: its end, traffic accounted.
  void add_downlink(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                    TransferResult& result);
  TransferResult transfer_memo(const std::vector<Upload>& uploads, const ComputeSpan& compute);
  TransferResult transfer_exact(const std::vector<Upload>& uploads, const ComputeSpan& compute);

  NetworkOptions options_;
  NetworkSetup setup_;
  std::unique_ptr<Ns3SessionSetup> session_setup_;
  std::unique_ptr<Ns3SessionSetup> leg_setup_;  // memo's sequential legs: no hosts' costs
  std::unique_ptr<Ns3Session> session_;  // exact mode: the one continuous simulation
  std::vector<int> link_class_;          // per worker: equal links share a class (or local)
  std::vector<int> class_worker_;        // per class: the first worker with it
  std::map<Key, Entry> memo_;
  std::vector<LinkDescription> links_;
  std::vector<LinkTraffic> traffic_;     // the run's traffic, reused patterns counted each time
  int64_t memo_hits_ = 0;
  int64_t packets_simulated_ = 0;        // every hop, warm-up runs included
  double simulated_s_ = 0.0;             // ns-3 time simulated, warm-up runs and handshakes included
};

}  // namespace sasgsim
