#include "sim/net/Ns3Network.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/net/Ns3Links.h"
#include "sim/net/Ns3Session.h"

namespace sasgsim {

Ns3Network::Ns3Network(const NetworkOptions& options, const NetworkSetup& setup)
    : options_(options),
      setup_(setup),
      session_setup_(std::make_unique<Ns3SessionSetup>()) {
  if (setup.workers < 1) throw std::logic_error("Ns3Network: workers must be >= 1");
  if (std::vector<ScenarioIssue> issues = check_network(options); !issues.empty()) {
    throw ScenarioError("network", std::move(issues));
  }
  if (options.fidelity == FidelityKind::kMemo && options.loss.rate > 0.0) {
    throw std::logic_error("Ns3Network: memo cannot reproduce random loss");
  }
  session_setup_->options = options;
  session_setup_->workers = setup.workers;
  session_setup_->downlink_bytes = setup.model_bytes;
  session_setup_->seed = setup.seed;
  // Memo's lone sequential uploads measure the network only: the hosts' costs are composed
  // around them (MessageTiming), so the sessions that measure them have none.
  leg_setup_ = std::make_unique<Ns3SessionSetup>(*session_setup_);
  leg_setup_->options.costs = options.costs.network_only();
  std::vector<LinkOptions> classes;
  for (int m = 0; m < setup.workers; ++m) {
    if (!options.is_remote(m)) {
      link_class_.push_back(kLocalClass);
      continue;
    }
    const LinkOptions link = options.link_of(m);
    size_t c = 0;
    while (c < classes.size() &&
           !(classes[c].rate_bps == link.rate_bps && classes[c].latency_s == link.latency_s)) {
      ++c;
    }
    if (c == classes.size()) {
      classes.push_back(link);
      class_worker_.push_back(m);
    }
    link_class_.push_back(static_cast<int>(c));
  }
  links_ = describe_links(options, setup.workers);
  traffic_.assign(links_.size(), LinkTraffic{});
  if (options.fidelity == FidelityKind::kExact) {
    session_ = std::make_unique<Ns3Session>(*session_setup_);
  }
}

Ns3Network::~Ns3Network() = default;

namespace {

int64_t nanoseconds(double s) { return checked_nanoseconds(s, "an upload pattern's time"); }

}  // namespace

const Ns3Network::Measured& Ns3Network::measure(const Key& key, const std::vector<Upload>& uploads,
                                                const ComputeSpan& compute, bool downlink,
                                                const std::vector<Upload>** simulated,
                                                const std::vector<double>& model_ready_s) {
  auto found = memo_.find(key);
  if (found != memo_.end()) {
    ++memo_hits_;
  } else {
    Entry entry;
    entry.simulated = uploads;
    const bool lone_leg = std::get<0>(key) == PatternKind::kSequentialLeg;
    Ns3Session session(lone_leg ? *leg_setup_ : *session_setup_);
    for (int64_t r = 0; r < options_.memo_warmup; ++r) {
      packets_simulated_ += session.run(uploads, compute, downlink, model_ready_s).packets;
    }
    for (int r = 0; r < kMemoSamples; ++r) {
      SessionOutcome outcome = session.run(uploads, compute, downlink, model_ready_s);
      packets_simulated_ += outcome.packets;
      Measured m;
      m.result = std::move(outcome.result);
      m.links = std::move(outcome.links);
      entry.samples.push_back(std::move(m));
    }
    simulated_s_ += session.now_s();
    found = memo_.emplace(key, std::move(entry)).first;
  }
  Entry& entry = found->second;
  *simulated = &entry.simulated;
  const Measured& m = entry.samples[entry.next];
  entry.next = (entry.next + 1) % entry.samples.size();
  return m;
}

void Ns3Network::account(const Measured& m, const std::vector<Upload>& simulated,
                         const std::vector<Upload>& actual) {
  for (size_t i = 0; i < actual.size(); ++i) {
    traffic_[actual[i].worker] += m.links[simulated[i].worker];
  }
  if (options_.topology == TopologyKind::kSwitch) traffic_.back() += m.links.back();
}

const Ns3Network::Measured& Ns3Network::lone_message(int worker, int64_t bytes,
                                                     const std::vector<Upload>** simulated) {
  const int c = link_class_.at(static_cast<size_t>(worker));
  const Key key{PatternKind::kSequentialLeg, {{c, bytes, 0}}, 0, 0};
  return measure(key, {Upload{class_worker_[c], bytes}}, {}, false, simulated);
}

NetworkLeg Ns3Network::sequential_leg(const Upload& up, TransferResult& result) {
  if (link_class_.at(static_cast<size_t>(up.worker)) == kLocalClass) return {};
  const std::vector<Upload>* simulated = nullptr;
  const Measured& m = lone_message(up.worker, up.payload_bytes, &simulated);
  result.wire_bytes += m.result.wire_bytes;
  account(m, *simulated, {up});
  return {m.result.ready_s[0], m.result.delivered_s[0] - m.result.start_s[0]};
}

// The broadcast is simulated from the model's preparation, each worker's model held back until
// its ready message is in: the pattern is which workers' ready messages come late, and by how
// much.
void Ns3Network::add_downlink(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                              TransferResult& result) {
  const double base_s = std::max(result.end_s, compute.slowest_s);
  const double prepared_s = options_.costs.send_s(setup_.model_bytes);  // from base_s
  // A skipping worker's ready message takes a lone message's time (its bytes are not counted).
  const auto lone_leg_s = [this](int m) {
    const std::vector<Upload>* simulated = nullptr;
    const TransferResult& lone = lone_message(m, options_.costs.rendezvous_bytes, &simulated).result;
    return lone.delivered_s[0] - lone.start_s[0];
  };
  std::vector<double> release_s =
      model_ready_s(options_, setup_.workers, uploads, compute, result, lone_leg_s);
  Key key{PatternKind::kDownlink, {}, 0, 0};
  for (size_t m = 0; m < release_s.size(); ++m) {
    const int64_t late_ns = nanoseconds(release_s[m] - base_s - prepared_s);
    release_s[m] = late_ns > 0 ? prepared_s + 1e-9 * static_cast<double>(late_ns) : 0.0;
    if (late_ns > 0) std::get<1>(key).emplace_back(static_cast<int>(m), 0, late_ns);
  }
  const std::vector<Upload>* simulated = nullptr;
  const Measured& m = measure(key, {}, {}, true, &simulated, release_s);
  result.end_s = base_s + m.result.end_s;
  result.wire_bytes += m.result.wire_bytes;
  account_downlink(m);
}

void Ns3Network::account_downlink(const Measured& m) {
  for (size_t l = 0; l < traffic_.size(); ++l) traffic_[l] += m.links[l];
}

TransferResult Ns3Network::transfer_memo(const std::vector<Upload>& uploads,
                                         const ComputeSpan& compute) {
  TransferResult result;
  result.resize(uploads.size());
  if (options_.schedule == ScheduleKind::kSequential) {
    // One upload after another: each network leg is a pattern of its own (its link class and
    // size), the hosts' costs and computations composed around them.
    std::vector<NetworkLeg> legs;
    for (const Upload& up : uploads) legs.push_back(sequential_leg(up, result));
    const int64_t wire_bytes = result.wire_bytes;
    compose_sequential(uploads, legs, options_, compute, result);
    result.wire_bytes = wire_bytes;
  } else if (!uploads.empty()) {
    // Concurrent uploads interact: the pattern is the whole iteration, computations included.
    Key key{PatternKind::kConcurrent, {}, nanoseconds(server_start_s(options_, compute)),
            nanoseconds(compute.slowest_s)};
    for (const Upload& up : uploads) {
      std::get<1>(key).emplace_back(link_class_.at(static_cast<size_t>(up.worker)),
                                    up.payload_bytes, nanoseconds(up.computed_s));
    }
    const std::vector<Upload>* simulated = nullptr;
    const Measured& m = measure(key, uploads, compute, false, &simulated);
    result = m.result;
    account(m, *simulated, uploads);
  }
  if (options_.downlink && setup_.model_bytes > 0) add_downlink(uploads, compute, result);
  return result;
}

TransferResult Ns3Network::transfer_exact(const std::vector<Upload>& uploads,
                                          const ComputeSpan& compute) {
  SessionOutcome outcome = session_->run(uploads, compute, options_.downlink);
  for (size_t l = 0; l < traffic_.size(); ++l) traffic_[l] += outcome.links[l];
  packets_simulated_ += outcome.packets;
  simulated_s_ = session_->now_s();
  return std::move(outcome.result);
}

TransferResult Ns3Network::simulate(int64_t /*iteration*/, const std::vector<Upload>& uploads,
                                    const ComputeSpan& compute) {
  check_every_worker_given(compute, link_class_.size(), "Ns3Network");
  return options_.fidelity == FidelityKind::kExact ? transfer_exact(uploads, compute)
                                                   : transfer_memo(uploads, compute);
}

nlohmann::json Ns3Network::summary() const {
  int64_t drops = 0;
  int64_t lost = 0;
  for (const LinkTraffic& t : traffic_) {
    drops += t.up_drops + t.down_drops;
    lost += t.up_lost + t.down_lost;
  }
  nlohmann::json out = {{"backend", "ns3"},
                        {"fidelity", to_string(options_.fidelity)},
                        {"topology", to_string(options_.topology)},
                        {"server", to_string(options_.server)},
                        {"schedule", to_string(options_.schedule)},
                        {"downlink", options_.downlink},
                        {"iterations", iterations()},
                        {"comm_time_s", comm_time_total_s()},
                        {"drops", drops},
                        {"lost", lost},
                        {"packets_simulated", packets_simulated_},
                        {"simulated_s", simulated_s_},
                        {"links", links_to_json(links_, traffic_, comm_time_total_s())}};
  if (options_.fidelity == FidelityKind::kMemo) {
    out["memo"] = {{"patterns", memo_.size()},
                   {"reused", memo_hits_},
                   {"warmup_runs", options_.memo_warmup},
                   {"samples_per_pattern", kMemoSamples}};
  }
  return out;
}

}  // namespace sasgsim
