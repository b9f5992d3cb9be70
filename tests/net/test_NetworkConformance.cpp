// Properties every network backend must have, checked on both: the analytic fluid model and
// the ns-3 packet-level simulation in each fidelity mode.
#include <gtest/gtest.h>

#include <string>

#include "tests/net/NetTestUtil.h"

namespace sasgsim {
namespace {

struct Backend {
  NetworkBackendKind kind;
  FidelityKind fidelity;
  std::string name;
};

class NetworkConformance : public ::testing::TestWithParam<Backend> {
 protected:
  NetworkOptions options(ScheduleKind schedule, double rate_bps = 1e9, double latency_s = 1e-4) {
    NetworkOptions o = net_options(GetParam().kind, schedule, rate_bps, latency_s);
    o.fidelity = GetParam().fidelity;
    return o;
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
  NetworkOptions o = options(ScheduleKind::kConcurrent);
  o.topology = TopologyKind::kSwitch;
  o.server_link.rate_bps = 1e9;
  o.server_link.latency_s = 0.0;
  std::unique_ptr<Network> net = make_network(o, net_setup(4));
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
  NetworkOptions o = options(ScheduleKind::kSequential);
  o.downlink = true;
  const int64_t model = 400'000;
  std::unique_ptr<Network> net = make_network(o, net_setup(3, model));
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

}  // namespace
}  // namespace sasgsim
