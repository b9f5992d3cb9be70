#include <gtest/gtest.h>

#include "sim/net/AnalyticNetwork.h"

namespace sasgsim {
namespace {

NetworkOptions options(ScheduleKind schedule) {
  NetworkOptions o;
  o.schedule = schedule;
  o.link.rate_bps = 1e9;
  o.link.latency_s = 1e-4;
  return o;
}

TEST(AnalyticNetwork, LoneUploadTakesLatencyPlusSizeOverRate) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), 4);
  TransferResult r = net.transfer(0, {{2, 1'000'000}});
  ASSERT_EQ(r.finish_s.size(), 1u);
  EXPECT_DOUBLE_EQ(r.finish_s[0], 1e-4 + 8e6 / 1e9);
  EXPECT_DOUBLE_EQ(r.comm_time_s, r.finish_s[0]);
  EXPECT_EQ(r.wire_bytes, 1'000'000);
}

TEST(AnalyticNetwork, SequentialUploadsAddUpInWorkerOrder) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), 3);
  TransferResult r = net.transfer(5, {{0, 125'000}, {1, 250'000}, {2, 125'000}});
  // 125 kB at 1 Gbps = 1 ms, plus 0.1 ms latency each.
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 1.1e-3 + 2.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[2], 1.1e-3 + 2.1e-3 + 1.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 4.3e-3, 1e-12);
  EXPECT_EQ(r.wire_bytes, 500'000);
}

TEST(AnalyticNetwork, ConcurrentUploadsStartTogether) {
  AnalyticNetwork net(options(ScheduleKind::kConcurrent), 3);
  TransferResult r = net.transfer(0, {{0, 125'000}, {2, 250'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 2.1e-3, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 2.1e-3, 1e-12);
}

TEST(AnalyticNetwork, PerWorkerOverridesSlowOneWorker) {
  NetworkOptions o = options(ScheduleKind::kConcurrent);
  o.per_worker[1] = LinkOptions{1e8, 5e-3};  // 100 Mbps, 5 ms
  AnalyticNetwork net(o, 2);
  TransferResult r = net.transfer(0, {{0, 125'000}, {1, 125'000}});
  EXPECT_NEAR(r.finish_s[0], 1.1e-3, 1e-12);
  EXPECT_NEAR(r.finish_s[1], 5e-3 + 1e-2, 1e-12);
  EXPECT_NEAR(r.comm_time_s, 1.5e-2, 1e-12);
}

TEST(AnalyticNetwork, NoUploadsTakeNoTime) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), 2);
  TransferResult r = net.transfer(0, {});
  EXPECT_TRUE(r.finish_s.empty());
  EXPECT_EQ(r.comm_time_s, 0.0);
  EXPECT_EQ(r.wire_bytes, 0);
}

TEST(AnalyticNetwork, RejectsUploadsOutOfOrderOrRange) {
  AnalyticNetwork net(options(ScheduleKind::kSequential), 2);
  EXPECT_THROW(net.transfer(0, {{1, 10}, {0, 10}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {{2, 10}}), std::logic_error);
  EXPECT_THROW(net.transfer(0, {{0, -1}}), std::logic_error);
}

TEST(Ns3Version, ReportsTheLinkedLibrary) {
  EXPECT_EQ(ns3_version().rfind("ns-3.", 0), 0u) << ns3_version();
}

}  // namespace
}  // namespace sasgsim
