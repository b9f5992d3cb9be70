// Communication keeps the compute model's time: each upload starts when its worker's
// computation ends, a server hosting worker 0 receives once worker 0 is done, the iteration
// lasts until its slowest worker is done, and exact mode simulates the idle network meanwhile.
#include <gtest/gtest.h>

#include "sim/net/AnalyticNetwork.h"
#include "sim/net/Ns3Network.h"
#include "tests/net/NetTestUtil.h"

namespace sasgsim {
namespace {

// Worker m computes computed[m] seconds, then uploads `bytes`.
std::vector<Upload> after_compute(const std::vector<double>& computed, int64_t bytes) {
  std::vector<Upload> uploads;
  for (size_t m = 0; m < computed.size(); ++m) {
    uploads.push_back({static_cast<int>(m), bytes, computed[m]});
  }
  return uploads;
}

ComputeSpan span_of(const std::vector<double>& computed) {
  return {computed.front(), *std::max_element(computed.begin(), computed.end()), computed};
}

TEST(ComputeOverlap, AnalyticUploadsOfFastWorkersHideBehindAStraggler) {
  // 1 MB at 1 Gbps, no latency: 8 ms per upload, one after another.
  AnalyticNetwork net(net_options(NetworkBackendKind::kAnalytic, ScheduleKind::kSequential, 1e9, 0.0),
                      net_setup(2));
  const std::vector<double> staggered{0.0, 1.0};
  const TransferResult r = net.transfer(0, after_compute(staggered, 1'000'000), span_of(staggered));
  EXPECT_DOUBLE_EQ(r.start_s[0], 0.0);
  EXPECT_NEAR(r.delivered_s[0], 8e-3, 1e-12);
  EXPECT_DOUBLE_EQ(r.start_s[1], 1.0);  // its receive was posted long before
  EXPECT_NEAR(r.end_s, 1.008, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 8e-3, 1e-12);  // worker 0's upload overlapped the straggler
  const std::vector<double> together{1.0, 1.0};
  EXPECT_NEAR(net.transfer(1, after_compute(together, 1'000'000), span_of(together)).comm_time_s,
              16e-3, 1e-12);
}

TEST(ComputeOverlap, AServerHostingWorkerZeroReceivesAfterItsOwnComputation) {
  NetworkOptions o = net_options(NetworkBackendKind::kAnalytic, ScheduleKind::kConcurrent, 1e9, 0.0);
  o.server = ServerPlacementKind::kWorker0;
  AnalyticNetwork net(o, net_setup(3));
  const std::vector<double> computed{0.5, 0.0, 0.1};
  const TransferResult r = net.transfer(0, after_compute(computed, 1'000'000), span_of(computed));
  EXPECT_DOUBLE_EQ(r.finish_s[0], 0.5);  // worker 0's gradient, aggregated locally
  EXPECT_DOUBLE_EQ(r.ready_s[1], 0.5);   // the receives are posted then
  EXPECT_DOUBLE_EQ(r.start_s[2], 0.5);
  EXPECT_NEAR(r.comm_time_s, 8e-3, 1e-12);
}

TEST(ComputeOverlap, AnIterationWithoutUploadsLastsItsComputation) {
  NetworkOptions o = net_options(NetworkBackendKind::kNs3, ScheduleKind::kConcurrent);
  o.fidelity = FidelityKind::kExact;
  Ns3Network net(o, net_setup(2));
  EXPECT_EQ(net.transfer(0, {}, {0.0, 0.25, {}}).comm_time_s, 0.0);
  const double before_s = net.summary()["simulated_s"].get<double>();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(net.transfer(t, {}, {0.0, 0.25, {}}).comm_time_s, 0.0);
  // Exact mode keeps time: the network idled through the three computations.
  EXPECT_NEAR(net.summary()["simulated_s"].get<double>() - before_s, 0.75, 1e-9);
}

TEST(ComputeOverlap, Ns3ExactStartsEachUploadWhenItsWorkerIsDone) {
  NetworkOptions o = net_options(NetworkBackendKind::kNs3, ScheduleKind::kConcurrent, 1e9, 1e-4);
  o.fidelity = FidelityKind::kExact;
  o.topology = TopologyKind::kSwitch;
  Ns3Network net(o, net_setup(3));
  const std::vector<double> computed{0.0, 0.02, 0.05};
  for (int t = 0; t < 3; ++t) {
    const TransferResult r = net.transfer(t, after_compute(computed, 100'000), span_of(computed));
    for (size_t i = 0; i < computed.size(); ++i) {
      EXPECT_GE(r.start_s[i], computed[i] - 1e-9);  // ns-3 counts whole nanoseconds
      EXPECT_LT(r.start_s[i], computed[i] + 1e-3);  // ready long before: no rendezvous wait
    }
    EXPECT_LT(r.delivered_s[0], 0.02);  // done before the next worker even starts
    EXPECT_NEAR(r.comm_time_s, r.end_s - 0.05, 1e-12);
    EXPECT_LT(r.comm_time_s, 2e-3);  // only the last upload's ~0.9 ms is exposed
  }
}

// Mean communication time per iteration over `iterations` with the same computations.
double mean_comm_s(const NetworkOptions& o, int workers, const std::vector<double>& computed,
                   int64_t bytes, int iterations) {
  Ns3Network net(o, net_setup(workers));
  double total_s = 0.0;
  for (int t = 0; t < iterations; ++t) {
    total_s += net.transfer(t, after_compute(computed, bytes), span_of(computed)).comm_time_s;
  }
  return total_s / iterations;
}

// memo's key holds the computations' times: it reproduces exact with a straggler, with either
// server placement and schedule.
TEST(ComputeOverlap, MemoAgreesWithExactWithAStraggler) {
  const std::vector<double> computed{0.005, 0.005, 0.004, 0.030, 0.006};
  for (ScheduleKind schedule : {ScheduleKind::kSequential, ScheduleKind::kConcurrent}) {
    for (ServerPlacementKind server : {ServerPlacementKind::kDedicated, ServerPlacementKind::kWorker0}) {
      NetworkOptions exact = net_options(NetworkBackendKind::kNs3, schedule, 1e9, 1e-4);
      exact.fidelity = FidelityKind::kExact;
      exact.topology = TopologyKind::kSwitch;
      exact.server = server;
      exact.framing_bytes = 38;
      exact.costs = MessageCosts{};
      NetworkOptions memo = exact;
      memo.fidelity = FidelityKind::kMemo;
      const double e = mean_comm_s(exact, 5, computed, 400'000, 6);
      const double m = mean_comm_s(memo, 5, computed, 400'000, 6);
      EXPECT_GT(e, 0.0);
      EXPECT_NEAR(m / e, 1.0, 0.02) << to_string(schedule) << " " << to_string(server);
    }
  }
}

TEST(ComputeOverlap, TimesOutsideTheComputationAreRejected) {
  AnalyticNetwork net(net_options(NetworkBackendKind::kAnalytic, ScheduleKind::kSequential),
                      net_setup(2));
  EXPECT_THROW(net.transfer(0, {{0, 100, 0.5}}, {0.0, 0.1, {}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {{0, 100, -1.0}}, {0.0, 0.1, {}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {}, {0.2, 0.1, {}}), std::logic_error);
}

}  // namespace
}  // namespace sasgsim
