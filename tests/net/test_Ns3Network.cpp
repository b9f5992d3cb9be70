#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/net/Ns3Network.h"
#include "tests/net/NetTestUtil.h"

namespace sasgsim {
namespace {

NetworkOptions ns3_options(FidelityKind fidelity, ScheduleKind schedule = ScheduleKind::kSequential,
                           double rate_bps = 1e9, double latency_s = 1e-4) {
  NetworkOptions o = net_options(NetworkBackendKind::kNs3, schedule, rate_bps, latency_s);
  o.fidelity = fidelity;
  return o;
}

double lone_upload_s(const NetworkOptions& o, int64_t bytes) {
  Ns3Network net(o, net_setup(2));
  return net.transfer(0, {{1, bytes}}).comm_time_s;
}

// A bulk transfer over a warm connection runs near line rate: within 10% of the fluid bound.
TEST(Ns3Network, BulkUploadIsWithinTenPercentOfTheBound) {
  struct Path { double rate_bps, latency_s; };
  for (Path p : {Path{1e9, 1e-4}, Path{1e8, 1e-3}, Path{1e10, 1e-5}}) {
    for (int64_t bytes : {1'000'000, 4'000'000}) {
      const double bound = lone_bound_s(bytes, p.rate_bps, p.latency_s);
      const double t = lone_upload_s(ns3_options(FidelityKind::kMemo, ScheduleKind::kSequential,
                                                 p.rate_bps, p.latency_s),
                                     bytes);
      EXPECT_GE(t, bound) << p.rate_bps << " " << bytes;
      EXPECT_LE(t, 1.10 * bound) << p.rate_bps << " " << bytes;
    }
  }
}

// A few kB are latency-bound: doubling the bytes hardly matters, doubling the latency does.
TEST(Ns3Network, SmallUploadsTrackRoundTripsNotBytes) {
  const NetworkOptions near = ns3_options(FidelityKind::kMemo, ScheduleKind::kSequential, 1e9, 2e-3);
  const NetworkOptions far = ns3_options(FidelityKind::kMemo, ScheduleKind::kSequential, 1e9, 4e-3);
  const double small = lone_upload_s(near, 4'000);
  const double twice_the_bytes = lone_upload_s(near, 8'000);
  const double twice_the_latency = lone_upload_s(far, 4'000);
  EXPECT_GE(small, lone_bound_s(4'000, 1e9, 2e-3));
  EXPECT_LT(twice_the_bytes / small, 1.05);
  EXPECT_GT(twice_the_latency / small, 1.9);
  // A cold connection needs extra round trips for a message larger than the initial window
  // (10 segments): exact mode's first iteration shows it; warm, most transfers take one trip.
  EXPECT_GT(lone_upload_s(ns3_options(FidelityKind::kExact, ScheduleKind::kSequential, 1e9, 2e-3),
                          40'000),
            2 * 2e-3);
  Ns3Network warm(near, net_setup(2));
  double total_s = 0.0;
  for (int t = 0; t < Ns3Network::kMemoSamples; ++t) total_s += warm.transfer(t, {{1, 40'000}}).comm_time_s;
  EXPECT_LT(total_s / Ns3Network::kMemoSamples, 1.5 * lone_bound_s(40'000, 1e9, 2e-3));
}

TEST(Ns3Network, WireBytesCountHeadersAndAcks) {
  Ns3Network net(ns3_options(FidelityKind::kExact), net_setup(2));
  const int64_t bytes = 1'448 * 1'000;
  const TransferResult r = net.transfer(0, {{0, bytes}});
  // 1,000 full segments of 1,448 bytes carry 54 bytes of PPP/IP/TCP headers each, and about
  // 500 delayed ACKs of 66 bytes come back.
  EXPECT_GE(r.wire_bytes, bytes + 1'000 * 54 + 400 * 66);
  EXPECT_LE(r.wire_bytes, bytes + 1'000 * 54 + 1'100 * 66);
}

TEST(Ns3Network, ASlowWorkerIsSlowAndOnlyItself) {
  NetworkOptions o = ns3_options(FidelityKind::kMemo, ScheduleKind::kConcurrent);
  o.per_worker[2] = LinkOptions{1e8, 5e-3};
  Ns3Network net(o, net_setup(3));
  const int64_t n = 1'000'000;
  const TransferResult r = net.transfer(0, {{0, n}, {1, n}, {2, n}});
  EXPECT_LT(r.finish_s[0], 1.1 * lone_bound_s(n, 1e9, 1e-4));
  EXPECT_GE(r.finish_s[2], lone_bound_s(n, 1e8, 5e-3));
  EXPECT_DOUBLE_EQ(r.comm_time_s, r.finish_s[2]);
}

TEST(Ns3Network, IncastOverflowsTheSwitchQueueAndIsReported) {
  NetworkOptions o = ns3_options(FidelityKind::kExact, ScheduleKind::kConcurrent);
  o.topology = TopologyKind::kSwitch;
  o.server_link.rate_bps = 1e9;
  o.server_link.latency_s = 0.0;
  o.queue_packets = 10;
  o.transport.min_rto_s = 0.01;
  Ns3Network net(o, net_setup(8));
  std::vector<Upload> uploads;
  for (int m = 0; m < 8; ++m) uploads.push_back({m, 500'000});
  const TransferResult r = net.transfer(0, uploads);
  EXPECT_GE(r.comm_time_s, 8.0 * 8 * 500'000 / 1e9);
  const nlohmann::json s = net.summary();
  EXPECT_GT(s["drops"].get<int64_t>(), 0);
  const nlohmann::json& access = s["links"].back();
  EXPECT_EQ(access["link"], "server access");
  EXPECT_GT(access["up_drops"].get<int64_t>(), 0);
  EXPECT_GT(access["up_utilisation"].get<double>(), 0.0);
  EXPECT_LE(access["up_utilisation"].get<double>(), 1.0);
}

// Memo simulates each distinct pattern once; it agrees with the continuous simulation.
TEST(Ns3Network, MemoAgreesWithExactAndReusesPatterns) {
  for (ScheduleKind schedule : {ScheduleKind::kSequential, ScheduleKind::kConcurrent}) {
    // One ns-3 simulation exists at a time: run the exact one to the end first.
    auto run = [&](FidelityKind fidelity, nlohmann::json* summary) {
      Ns3Network net(ns3_options(fidelity, schedule), net_setup(4));
      double total_s = 0.0;
      for (int t = 0; t < 40; ++t) {
        std::vector<Upload> uploads;
        for (int m = 0; m < 4; ++m) {
          if ((t + m) % 3 != 0) uploads.push_back({m, m == 3 ? 300'000 : 40'000});
        }
        total_s += net.transfer(t, uploads).comm_time_s;
      }
      *summary = net.summary();
      return total_s;
    };
    nlohmann::json exact_summary, memo_summary;
    const double exact_s = run(FidelityKind::kExact, &exact_summary);
    const double memo_s = run(FidelityKind::kMemo, &memo_summary);
    EXPECT_NEAR(memo_s, exact_s, 0.01 * exact_s) << to_string(schedule);
    EXPECT_EQ(memo_summary["fidelity"], "memo");
    EXPECT_GT(memo_summary["memo"]["reused"].get<int64_t>(), 0);
    EXPECT_EQ(exact_summary["fidelity"], "exact");
  }
}

TEST(Ns3Network, SameSeedSameResults) {
  auto run = [] {
    NetworkOptions o = ns3_options(FidelityKind::kExact, ScheduleKind::kConcurrent);
    o.topology = TopologyKind::kSwitch;
    o.queue_packets = 20;
    Ns3Network net(o, net_setup(6, 0, 7));
    std::vector<double> times;
    for (int t = 0; t < 3; ++t) {
      std::vector<Upload> uploads;
      for (int m = 0; m < 6; ++m) uploads.push_back({m, 200'000});
      for (double f : net.transfer(t, uploads).finish_s) times.push_back(f);
    }
    return times;
  };
  EXPECT_EQ(run(), run());
}

TEST(Ns3Network, OnlyOneSimulationAtATime) {
  Ns3Network exact(ns3_options(FidelityKind::kExact), net_setup(2));
  EXPECT_THROW(Ns3Network(ns3_options(FidelityKind::kExact), net_setup(2)), std::logic_error);
}

TEST(Ns3Network, SettingsDoNotLeakIntoTheNextSimulation) {
  const NetworkOptions plain = ns3_options(FidelityKind::kExact);
  const double before = lone_upload_s(plain, 200'000);
  NetworkOptions tiny = plain;
  tiny.transport.segment_size_bytes = 200;
  tiny.transport.initial_window_segments = 1;
  tiny.ns3_attributes["ns3::TcpSocketBase::Sack"] = "false";
  EXPECT_GT(lone_upload_s(tiny, 200'000), 1.2 * before);
  EXPECT_DOUBLE_EQ(lone_upload_s(plain, 200'000), before);
}

// On a lossy link the congestion control decides how the window recovers from each loss (Cubic
// backs off to 0.7 of it and grows it back along a cubic, NewReno halves it and adds a segment per
// round trip): the choice must show in the simulated time, and the same choice must give the same
// time (the difference is the congestion control's, not noise).
TEST(Ns3Network, CongestionControlChangesTheTimeOnALossyLink) {
  const auto lossy_upload_s = [](const std::string& congestion_control) {
    NetworkOptions o = ns3_options(FidelityKind::kExact, ScheduleKind::kSequential, 1e9, 1e-3);
    o.transport.congestion_control = congestion_control;
    o.loss.rate = 0.001;
    Ns3Network net(o, net_setup(2));
    double total_s = 0.0;
    for (int t = 0; t < 3; ++t) total_s += net.transfer(t, {{1, 4'000'000}}).comm_time_s;
    return total_s;
  };
  const double cubic_s = lossy_upload_s("TcpCubic");
  const double new_reno_s = lossy_upload_s("TcpNewReno");
  EXPECT_EQ(lossy_upload_s("TcpNewReno"), new_reno_s);
  EXPECT_GT(std::fabs(cubic_s - new_reno_s), 0.2 * std::min(cubic_s, new_reno_s))
      << "Cubic " << cubic_s << " s, NewReno " << new_reno_s << " s";
  EXPECT_GT(std::min(cubic_s, new_reno_s), 3 * lone_bound_s(4'000'000, 1e9, 1e-3));
}

TEST(Ns3Network, ChecksNs3NamesAndValues) {
  NetworkOptions o = ns3_options(FidelityKind::kMemo);
  o.transport.congestion_control = "TcpFast";
  o.ns3_attributes["ns3::TcpSocket::InitialCwnd"] = "ten";
  o.ns3_attributes["ns3::TcpSocket::InitialWindow"] = "10";
  o.ns3_attributes["ns3::NoSuchType::Foo"] = "1";
  o.ns3_attributes["ns3::TcpSocketBase::Sack"] = "false";
  const std::vector<ScenarioIssue> issues = check_network(o);
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0].path, ".network.transport.congestion_control");
  EXPECT_NE(issues[0].message.find("TcpCubic"), std::string::npos) << issues[0].message;
  EXPECT_EQ(issues[1].path, ".network.ns3_attributes[\"ns3::NoSuchType::Foo\"]");
  EXPECT_NE(issues[1].message.find("no type"), std::string::npos) << issues[1].message;
  EXPECT_NE(issues[2].message.find("cannot read \"ten\""), std::string::npos) << issues[2].message;
  EXPECT_NE(issues[3].message.find("no attribute \"InitialWindow\""), std::string::npos)
      << issues[3].message;
  EXPECT_THROW(Ns3Network(o, net_setup(2)), ScenarioError);
  o.backend = NetworkBackendKind::kAnalytic;
  EXPECT_TRUE(check_network(o).empty());
}

}  // namespace
}  // namespace sasgsim
