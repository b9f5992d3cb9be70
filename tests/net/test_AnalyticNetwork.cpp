#include <gtest/gtest.h>

#include "sim/net/AnalyticNetwork.h"

namespace sasgsim {
namespace {

NetworkSetup setup(int workers, int64_t model_bytes = 0) {
  NetworkSetup s;
  s.workers = workers;
  s.model_bytes = model_bytes;
  return s;
}

// The fluid model alone: a server card per worker, no per-message costs.
NetworkOptions options(ScheduleKind schedule) {
  NetworkOptions o;
  o.backend = NetworkBackendKind::kAnalytic;
  o.topology = TopologyKind::kDirect;
  o.costs = MessageCosts::none();
  o.schedule = schedule;
  o.link.rate_bps = 1e9;
  o.link.latency_s = 1e-4;
  return o;
}

TEST(AnalyticNetwork, LoneUploadTakesLatencyPlusSizeOverRate) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), setup(4));
  TransferResult r = net.transfer(0, {{2, 1'000'000}});
  ASSERT_EQ(r.finish_s.size(), 1u);
  EXPECT_DOUBLE_EQ(r.finish_s[0], 1e-4 + 8e6 / 1e9);
  EXPECT_DOUBLE_EQ(r.comm_time_s, r.finish_s[0]);
  EXPECT_EQ(r.wire_bytes, 1'000'000);
}

TEST(AnalyticNetwork, SequentialUploadsAddUpInWorkerOrder) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), setup(3));
  TransferResult r = net.transfer(5, {{0, 125'000}, {1, 250'000}, {2, 125'000}});
  // 125 kB at 1 Gbps = 1 ms, plus 0.1 ms latency each.
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 1.1e-3 + 2.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[2], 1.1e-3 + 2.1e-3 + 1.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 4.3e-3, 1e-12);
  EXPECT_EQ(r.wire_bytes, 500'000);
}

TEST(AnalyticNetwork, ConcurrentUploadsStartTogether) {
  AnalyticNetwork net(options(ScheduleKind::kConcurrent), setup(3));
  TransferResult r = net.transfer(0, {{0, 125'000}, {2, 250'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 2.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 2.1e-3, 1e-12);
}

TEST(AnalyticNetwork, PerWorkerOverridesSlowOneWorker) {
  NetworkOptions o = options(ScheduleKind::kConcurrent);
  o.per_worker[1] = LinkOptions{1e8, 5e-3};  // 100 Mbps, 5 ms
  AnalyticNetwork net(o, setup(2));
  TransferResult r = net.transfer(0, {{0, 125'000}, {1, 125'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 5e-3 + 1e-2, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 1.5e-2, 1e-12);
}

TEST(AnalyticNetwork, NoUploadsTakeNoTime) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), setup(2));
  TransferResult r = net.transfer(0, {});
  EXPECT_TRUE(r.finish_s.empty());
  EXPECT_EQ(r.comm_time_s, 0.0);
  EXPECT_EQ(r.wire_bytes, 0);
}

TEST(AnalyticNetwork, RejectsUploadsOutOfOrderOrRange) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), setup(2));
  EXPECT_THROW(net.transfer(0, {{1, 10}, {0, 10}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {{2, 10}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {{0, -1}}), std::logic_error);
}

TEST(AnalyticNetwork, SwitchCapsThePathRateAndAddsTheAccessLatency) {
  NetworkOptions o = options(ScheduleKind::kSequential);
  o.topology = TopologyKind::kSwitch;
  o.server_link.rate_bps = 5e8;
  o.server_link.latency_s = 2e-4;  // 500 Mbps, 0.2 ms
  AnalyticNetwork net(o, setup(2));
  TransferResult r = net.transfer(0, {{0, 125'000}, {1, 125'000}});
  EXPECT_NEAR(r.finish_s[0], 3e-4 + 2e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 2 * (3e-4 + 2e-3), 1e-12);
}

TEST(AnalyticNetwork, ConcurrentUploadsShareTheServerAccessLink) {
  NetworkOptions o = options(ScheduleKind::kConcurrent);
  o.topology = TopologyKind::kSwitch;
  o.server_link.rate_bps = 1e9;
  o.server_link.latency_s = 0.0;
  AnalyticNetwork net(o, setup(4));
  // Four 125 kB uploads: each alone 1.1 ms, but 500 kB through 1 Gbps need 4 ms.
  TransferResult r = net.transfer(0, {{0, 125'000}, {1, 125'000}, {2, 125'000}, {3, 125'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 1e-4 + 4e-3, 1e-12);
  EXPECT_EQ(r.wire_bytes, 500'000);
}

TEST(AnalyticNetwork, DownlinkSendsTheModelToEveryWorkerAfterTheUploads) {
  NetworkOptions o = options(ScheduleKind::kSequential);
  o.downlink = true;
  AnalyticNetwork net(o, setup(3, 250'000));
  TransferResult r = net.transfer(0, {{1, 125'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 1.1e-3 + 2.1e-3, 1e-12);
  EXPECT_EQ(r.wire_bytes, 125'000 + 3 * 250'000);
  // The server broadcasts the new model even when every worker skipped.
  EXPECT_NEAR(net.transfer(1, {}).comm_time_s, 2.1e-3, 1e-12);
}

TEST(AnalyticNetwork, SummaryReportsLinkTrafficAndUtilisation) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), setup(2));
  net.transfer(0, {{0, 125'000}});
  const nlohmann::json s = net.summary();
  EXPECT_EQ(s["backend"], "analytic");
  ASSERT_EQ(s["links"].size(), 2u);
  EXPECT_EQ(s["links"][0]["up_bytes"], 125'000);
  EXPECT_EQ(s["links"][1]["up_bytes"], 0);
  EXPECT_NEAR(s["links"][0]["up_utilisation"].get<double>(), 1e-3 / 1.1e-3, 1e-9);
}

TEST(Ns3Version, ReportsTheLinkedLibrary) {
  EXPECT_EQ(ns3_version().rfind("ns-3.", 0), 0u) << ns3_version();
}

}  // namespace
}  // namespace sasgsim
