// The downlink's rendezvous: the server sends the model to a worker only once that worker's
// ready message is in. A worker that uploads sends it behind its upload; one that does not,
// when its computation is done; over a long link a late ready message delays its model.
#include <gtest/gtest.h>

#include "sim/net/AnalyticNetwork.h"
#include "sim/net/Ns3Network.h"
#include "tests/net/NetTestUtil.h"

namespace sasgsim {
namespace {

constexpr double kLatency = 0.020;  // a wide-area link: the ready message's trip matters
constexpr double kRate = 1e9;

// Costs whose only parts are the rendezvous (125 bytes: 1 us at 1 Gbps) and 1 ms of send cost
// per message, so the model is prepared 1 ms after the server may send it.
MessageCosts rendezvous_and_send_cost() {
  MessageCosts c = MessageCosts::none();
  c.rendezvous_bytes = 125;
  c.send_per_message_s = 1e-3;
  return c;
}

NetworkOptions wide_area(NetworkBackendKind backend, FidelityKind fidelity) {
  NetworkOptions o = net_options(backend, ScheduleKind::kConcurrent, kRate, kLatency);
  o.fidelity = fidelity;
  o.downlink = true;
  o.costs = rendezvous_and_send_cost();
  return o;
}

// Worker 0 done at 10 ms, worker 1 (the slowest) at 30 ms.
ComputeSpan two_workers_span() { return ComputeSpan{0.010, 0.030, {0.010, 0.030}}; }

TEST(DownlinkRendezvous, AnalyticModelWaitsForALateReadyMessage) {
  const int64_t model = 125'000;  // 1 ms at 1 Gbps
  AnalyticNetwork net(wide_area(NetworkBackendKind::kAnalytic, FidelityKind::kMemo),
                      net_setup(2, model));
  // Nobody uploads: the model is prepared at 30 + 1 ms; worker 0's ready message arrived at
  // 10 + 20.001 ms, in time; worker 1's at 30 + 20.001 ms: its model leaves then and takes
  // 21 ms more.
  const TransferResult skipped = net.transfer(0, {}, two_workers_span());
  EXPECT_NEAR(skipped.comm_time_s, (0.050001 + 0.021) - 0.030, 1e-12);
  // Worker 1 uploads 125 kB when done: delivered at 31 + 21 ms, its ready message 1 us behind;
  // the model is prepared at 52 + 1 ms, after every ready message: no wait.
  const TransferResult uploaded = net.transfer(1, {{1, 125'000, 0.030}}, two_workers_span());
  EXPECT_NEAR(uploaded.delivered_s[0], 0.052, 1e-12);
  EXPECT_NEAR(uploaded.comm_time_s, (0.053 + 0.021) - 0.030, 1e-12);
}

TEST(DownlinkRendezvous, WithoutRendezvousTheModelLeavesWhenPrepared) {
  NetworkOptions o = wide_area(NetworkBackendKind::kAnalytic, FidelityKind::kMemo);
  o.costs.rendezvous_bytes = 0;
  AnalyticNetwork net(o, net_setup(2, 125'000));
  EXPECT_NEAR(net.transfer(0, {}, two_workers_span()).comm_time_s, 0.031 + 0.021 - 0.030, 1e-12);
}

double comm_s(const NetworkOptions& o, const std::vector<Upload>& uploads,
              const ComputeSpan& span, int64_t model) {
  std::unique_ptr<Network> net = make_network(o, net_setup(2, model));
  net->transfer(0, uploads, span);  // warm the connections
  return net->transfer(1, uploads, span).comm_time_s;
}

// In ns-3 the ready message crosses the simulated link: a late one delays its worker's model
// by how much later than the model's preparation it arrives (about 19 ms here).
TEST(DownlinkRendezvous, Ns3ModelWaitsForALateReadyMessage) {
  const int64_t model = 10'000;  // within TCP's initial window: no slow-start round trips
  for (FidelityKind fidelity : {FidelityKind::kExact, FidelityKind::kMemo}) {
    const NetworkOptions with = wide_area(NetworkBackendKind::kNs3, fidelity);
    NetworkOptions without = with;
    without.costs.rendezvous_bytes = 0;
    const double late_s = comm_s(with, {}, two_workers_span(), model) -
                          comm_s(without, {}, two_workers_span(), model);
    EXPECT_NEAR(late_s, 0.019, 0.5e-3) << to_string(fidelity);
    // Worker 0 skips early, worker 1 uploads: every ready message is in before the model.
    const std::vector<Upload> upload{{1, 10'000, 0.030}};
    const double early_s = comm_s(with, upload, two_workers_span(), model) -
                           comm_s(without, upload, two_workers_span(), model);
    EXPECT_NEAR(early_s, 0.0, 0.5e-3) << to_string(fidelity);
  }
}

// Rounds of three iterations of five workers over 5 ms links: the straggler (worker 2) skips,
// only it uploads, nobody uploads. The communication time of three rounds, after one that
// warms the connections up.
double skipping_rounds_s(const NetworkOptions& o) {
  const ComputeSpan span{0.005, 0.030, {0.005, 0.004, 0.030, 0.006, 0.005}};
  const std::vector<std::vector<Upload>> iterations{
      {{0, 200'000, 0.005}, {3, 200'000, 0.006}}, {{2, 200'000, 0.030}}, {}};
  std::unique_ptr<Network> net = make_network(o, net_setup(5, 100'000));
  double total_s = 0.0;
  for (int round = 0; round < 4; ++round) {
    for (const std::vector<Upload>& uploads : iterations) {
      const double comm_s = net->transfer(0, uploads, span).comm_time_s;
      if (round > 0) total_s += comm_s;
    }
  }
  return total_s;
}

NetworkOptions through_one_card(NetworkBackendKind backend, FidelityKind fidelity,
                                ServerPlacementKind server, int64_t rendezvous_bytes) {
  NetworkOptions o = net_options(backend, ScheduleKind::kConcurrent, 1e9, 5e-3);
  o.fidelity = fidelity;
  o.topology = TopologyKind::kSwitch;
  o.server = server;
  o.downlink = true;
  o.costs = MessageCosts{};
  o.costs.rendezvous_bytes = rendezvous_bytes;
  return o;
}

// memo composes the ready messages around its measured broadcast; exact simulates them. When
// the straggler skips, its ready message leaves when it is done and its model 5 ms later than
// the others', which have crossed the server card by then: the broadcast ends later by what
// the fluid model says (about 1.6 ms).
TEST(DownlinkRendezvous, MemoAgreesWithExactWithSkippersAndAStraggler) {
  constexpr auto kNs3 = NetworkBackendKind::kNs3;
  constexpr auto kExact = FidelityKind::kExact;
  for (ServerPlacementKind server : {ServerPlacementKind::kDedicated, ServerPlacementKind::kWorker0}) {
    const double exact_s = skipping_rounds_s(through_one_card(kNs3, kExact, server, 48));
    const double memo_s = skipping_rounds_s(through_one_card(kNs3, FidelityKind::kMemo, server, 48));
    EXPECT_NEAR(memo_s / exact_s, 1.0, 0.02) << to_string(server);
    const double late_s = exact_s - skipping_rounds_s(through_one_card(kNs3, kExact, server, 0));
    const double fluid_late_s =
        skipping_rounds_s(through_one_card(NetworkBackendKind::kAnalytic, kExact, server, 48)) -
        skipping_rounds_s(through_one_card(NetworkBackendKind::kAnalytic, kExact, server, 0));
    EXPECT_GT(fluid_late_s, 6 * 1e-3) << to_string(server);
    EXPECT_NEAR(late_s / fluid_late_s, 1.0, 0.1) << to_string(server);
  }
}

TEST(DownlinkRendezvous, ASpanMissingWorkersIsRejected) {
  AnalyticNetwork net(wide_area(NetworkBackendKind::kAnalytic, FidelityKind::kMemo),
                      net_setup(3, 1000));
  EXPECT_THROW(net.transfer(0, {}, two_workers_span()), std::logic_error);
  EXPECT_THROW(net.transfer(0, {}, ComputeSpan{0.0, 0.01, {0.0, 0.02, 0.0}}), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
