// Properties every network backend must have, checked on both: the analytic fluid model and
// the ns-3 packet-level simulation in each fidelity mode; and memo checked against exact on
// the same cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/net/Ns3Network.h"
#include "tests/net/NetTestUtil.h"

namespace sasgsim {
namespace {

struct Backend {
  NetworkBackendKind kind;
  FidelityKind fidelity;
  std::string name;
};

NetworkOptions options_of(const Backend& b, ScheduleKind schedule, double rate_bps = 1e9,
                          double latency_s = 1e-4) {
  NetworkOptions o = net_options(b.kind, schedule, rate_bps, latency_s);
  o.fidelity = b.fidelity;
  return o;
}

// The cases below that need more than a schedule: four workers into one 1 Gbps server card,
// and the model broadcast after the uploads.
NetworkOptions incast_options(const Backend& b) {
  NetworkOptions o = options_of(b, ScheduleKind::kConcurrent);
  o.topology = TopologyKind::kSwitch;
  o.server_link.rate_bps = 1e9;
  o.server_link.latency_s = 0.0;
  return o;
}

NetworkOptions downlink_options(const Backend& b) {
  NetworkOptions o = options_of(b, ScheduleKind::kSequential);
  o.downlink = true;
  return o;
}

class NetworkConformance : public ::testing::TestWithParam<Backend> {
 protected:
  NetworkOptions options(ScheduleKind schedule, double rate_bps = 1e9, double latency_s = 1e-4) {
    return options_of(GetParam(), schedule, rate_bps, latency_s);
  }
};

TEST_P(NetworkConformance, LoneTransferNeverBeatsLatencyPlusSizeOverRate) {
  for (int64_t bytes : {16 + 4 * 100, 100'000, 2'000'000}) {
    std::unique_ptr<Network> net =
        make_network(options(ScheduleKind::kSequential, 1e9, 5e-4), net_setup(3));
    const TransferResult r = net->transfer(0, {{1, bytes}});
    ASSERT_EQ(r.finish_s.size(), 1u);
    EXPECT_GE(r.comm_time_s, lone_bound_s(bytes, 1e9, 5e-4)) << bytes;
    EXPECT_DOUBLE_EQ(r.comm_time_s, r.finish_s[0]);
    EXPECT_GE(r.wire_bytes, bytes);
  }
}

TEST_P(NetworkConformance, SequentialUploadsAddUp) {
  std::unique_ptr<Network> net = make_network(options(ScheduleKind::kSequential), net_setup(4));
  const int64_t n = 500'000;
  const TransferResult lone = net->transfer(0, {{0, n}});
  const TransferResult three = net->transfer(1, {{0, n}, {2, n}, {3, n}});
  ASSERT_EQ(three.finish_s.size(), 3u);
  EXPECT_LT(three.finish_s[0], three.finish_s[1]);
  EXPECT_LT(three.finish_s[1], three.finish_s[2]);
  EXPECT_NEAR(three.comm_time_s, 3 * lone.comm_time_s, 0.02 * three.comm_time_s);
}

TEST_P(NetworkConformance, ConcurrentUploadsThroughTheServerLinkShareItsCapacity) {
  std::unique_ptr<Network> net = make_network(incast_options(GetParam()), net_setup(4));
  const int64_t n = 1'000'000;
  const TransferResult r = net->transfer(0, {{0, n}, {1, n}, {2, n}, {3, n}});
  EXPECT_GE(r.comm_time_s, 8.0 * 4 * n / 1e9);
  for (double f : r.finish_s) EXPECT_LE(f, r.comm_time_s);
}

TEST_P(NetworkConformance, NothingToSendTakesNoTime) {
  std::unique_ptr<Network> net = make_network(options(ScheduleKind::kSequential), net_setup(2));
  const TransferResult r = net->transfer(0, {});
  EXPECT_EQ(r.comm_time_s, 0.0);
  EXPECT_EQ(r.wire_bytes, 0);
}

TEST_P(NetworkConformance, DownlinkAddsTheModelBroadcast) {
  const int64_t model = 400'000;
  std::unique_ptr<Network> net = make_network(downlink_options(GetParam()), net_setup(3, model));
  const TransferResult r = net->transfer(0, {{0, 100'000}});
  EXPECT_GE(r.comm_time_s, r.finish_s[0] + lone_bound_s(model, 1e9, 1e-4));
  EXPECT_GE(r.wire_bytes, 100'000 + 3 * model);
  const nlohmann::json s = net->summary();
  for (const auto& link : s["links"]) EXPECT_GE(link["down_bytes"].get<int64_t>(), model);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, NetworkConformance,
    ::testing::Values(Backend{NetworkBackendKind::kAnalytic, FidelityKind::kMemo, "analytic"},
                      Backend{NetworkBackendKind::kNs3, FidelityKind::kMemo, "ns3_memo"},
                      Backend{NetworkBackendKind::kNs3, FidelityKind::kExact, "ns3_exact"}),
    [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

// Against the bounds above memo would be checked against itself: its sequential uploads are
// composed from one lone upload it measured, so "sequential uploads add up" holds for it by
// construction. Here each case's pattern, repeated, must take memo as long as it takes exact,
// one continuous simulation. Memo measures a pattern in a network of its own after
// memo_warmup runs and cycles through kMemoSamples outcomes; so exact's first memo_warmup
// iterations (a cold connection: a 2 MB upload takes twice as long) are left out and the
// next kMemoSamples compared with memo's first kMemoSamples.
struct Pattern {
  std::string name;
  NetworkOptions (*options)(const Backend&);
  NetworkSetup setup;
  std::vector<Upload> uploads;
};

std::vector<Pattern> conformance_patterns() {
  const auto lone = [](const Backend& b) {
    return options_of(b, ScheduleKind::kSequential, 1e9, 5e-4);
  };
  const auto sequential = [](const Backend& b) { return options_of(b, ScheduleKind::kSequential); };
  const int64_t n = 500'000, m = 1'000'000;
  return {{"lone 416 B", lone, net_setup(3), {{1, 16 + 4 * 100}}},
          {"lone 100 kB", lone, net_setup(3), {{1, 100'000}}},
          {"lone 2 MB", lone, net_setup(3), {{1, 2'000'000}}},
          {"sequential x1", sequential, net_setup(4), {{0, n}}},
          {"sequential x3", sequential, net_setup(4), {{0, n}, {2, n}, {3, n}}},
          {"incast x4", incast_options, net_setup(4), {{0, m}, {1, m}, {2, m}, {3, m}}},
          {"downlink", downlink_options, net_setup(3, 400'000), {{0, 100'000}}}};
}

struct Totals {
  double comm_time_s = 0.0;
  int64_t wire_bytes = 0;
};

// The pattern's totals over kMemoSamples iterations, after `skipped` iterations left out.
Totals repeated(const Pattern& p, FidelityKind fidelity, int64_t skipped) {
  std::unique_ptr<Network> net =
      make_network(p.options({NetworkBackendKind::kNs3, fidelity, ""}), p.setup);
  Totals totals;
  for (int64_t t = 0; t < skipped + Ns3Network::kMemoSamples; ++t) {
    const TransferResult r = net->transfer(t, p.uploads);
    if (t < skipped) continue;
    totals.comm_time_s += r.comm_time_s;
    totals.wire_bytes += r.wire_bytes;
  }
  return totals;
}

TEST(MemoConformance, EveryCaseTakesMemoAsLongAsExactOnceWarm) {
  for (const Pattern& p : conformance_patterns()) {
    const int64_t warmup =
        p.options({NetworkBackendKind::kNs3, FidelityKind::kMemo, ""}).memo_warmup;
    // One ns-3 simulation exists at a time: each run ends before the next begins.
    const Totals exact = repeated(p, FidelityKind::kExact, warmup);
    const Totals memo = repeated(p, FidelityKind::kMemo, 0);
    EXPECT_NEAR(memo.comm_time_s, exact.comm_time_s, 0.01 * exact.comm_time_s) << p.name;
    EXPECT_NEAR(static_cast<double>(memo.wire_bytes), static_cast<double>(exact.wire_bytes),
                0.01 * static_cast<double>(exact.wire_bytes))
        << p.name;
  }
}

}  // namespace
}  // namespace sasgsim
