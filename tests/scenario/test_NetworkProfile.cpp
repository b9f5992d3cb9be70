// Network profiles (network.include), per-message costs, placement and loss as scenario keys.
#include <gtest/gtest.h>

#include <fstream>

#include "sim/scenario/ScenarioParser.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::TempDir;

void write(const std::filesystem::path& p, const json& j) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << j.dump(2);
}

json with_network(const json& network) {
  json doc = test::base_scenario();
  doc["network"] = network;
  return doc;
}

bool mentions(const std::vector<ScenarioIssue>& issues, const std::string& path,
              const std::string& part) {
  for (const ScenarioIssue& i : issues) {
    if (i.path == path && i.message.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(NetworkProfile, IncludedKeysAreDefaultsTheScenarioOverrides) {
  TempDir tmp;
  write(tmp.path() / "profiles/cluster.json",
        {{"description", "a measured cluster"}, {"bandwidth", "10Gbps"}, {"server", "worker0"},
         {"costs", {{"receive_per_message", "3ms"}, {"send_rate", "unlimited"}}}});
  write(tmp.path() / "run/s.json",
        with_network({{"include", "../profiles/cluster.json"}, {"bandwidth", "1Gbps"},
                      {"costs", {{"send_per_message", "1ms"}}}}));
  const Scenario s = load_scenario((tmp.path() / "run/s.json").string(), {});
  EXPECT_EQ(s.network.link.rate_bps, 1e9);                       // the scenario's own
  EXPECT_EQ(s.network.server, ServerPlacementKind::kWorker0);    // the profile's
  EXPECT_EQ(s.network.costs.receive_per_message_s, 3e-3);        // merged key by key
  EXPECT_EQ(s.network.costs.send_per_message_s, 1e-3);
  EXPECT_TRUE(std::isinf(s.network.costs.send_rate_bps));
  EXPECT_FALSE(s.resolved["network"].contains("include"));
  EXPECT_EQ(s.resolved["network"]["costs"]["send_rate"], "unlimited");
  test::expect_same(s, parse_scenario(s.resolved, "resolved"));
  // --set can point to a profile too.
  write(tmp.path() / "run/plain.json", with_network(json::object()));
  const Scenario t = load_scenario((tmp.path() / "run/plain.json").string(),
                                   {"network.include=../profiles/cluster.json"});
  EXPECT_EQ(t.network.link.rate_bps, 1e10);
}

TEST(NetworkProfile, AMissingOrMalformedProfileIsAnErrorAtTheInclude) {
  TempDir tmp;
  write(tmp.path() / "s.json", with_network({{"include", "nowhere.json"}}));
  try {
    load_scenario((tmp.path() / "s.json").string(), {});
    FAIL() << "a missing profile was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_TRUE(mentions(e.issues(), ".network.include", "nowhere.json")) << e.what();
  }
  write(tmp.path() / "bad.json", {{"include", "other.json"}});
  write(tmp.path() / "t.json", with_network({{"include", "bad.json"}}));
  EXPECT_THROW(load_scenario((tmp.path() / "t.json").string(), {}), ScenarioError);
  // Without a file there is nothing to resolve the path against.
  EXPECT_TRUE(mentions(test::issues_of(with_network({{"include", "p.json"}})),
                       ".network.include", "only be included from a scenario file"));
}

TEST(NetworkKeys, LossNeedsExactFidelity) {
  EXPECT_TRUE(mentions(test::issues_of(with_network({{"loss", {{"rate", 0.01}}}})),
                       ".network.loss", "\"fidelity\": \"exact\""));
  EXPECT_TRUE(test::issues_of(with_network({{"fidelity", "exact"},
                                            {"loss", {{"rate", 0.01}, {"burst_packets", 3}}}}))
                  .empty());
  EXPECT_FALSE(test::issues_of(with_network({{"fidelity", "exact"}, {"loss", {{"rate", 1.5}}}}))
                   .empty());
}

TEST(NetworkKeys, ACoLocatedWorkerZeroHasNoLinkToSet) {
  EXPECT_TRUE(mentions(test::issues_of(with_network(
                           {{"server", "worker0"},
                            {"per_worker", {{"0", {{"bandwidth", "10Mbps"}}}}}})),
                       ".network.per_worker", "worker 0 hosts the server"));
}

TEST(NetworkKeys, AQueueDisciplineNeedsTheSwitch) {
  EXPECT_TRUE(mentions(test::issues_of(with_network(
                           {{"topology", "direct"}, {"queue_discipline", "fq_codel"}})),
                       ".network.queue_discipline", "no switch"));
  EXPECT_TRUE(test::issues_of(with_network({{"queue_discipline", "fq_codel"}})).empty());
  EXPECT_TRUE(mentions(test::issues_of(with_network({{"queue_discipline", "sfq"}})),
                       ".network.queue_discipline", "fq_codel"));
}

TEST(NetworkKeys, CostRatesTakeUnitsOrUnlimited) {
  const Scenario s = parse_scenario(
      with_network({{"costs", {{"send_rate", "2GB/s"}, {"aggregation_rate", "unlimited"},
                               {"rendezvous_bytes", 0}}}}),
      "c.json");
  EXPECT_EQ(s.network.costs.send_rate_bps, 16e9);
  EXPECT_TRUE(std::isinf(s.network.costs.aggregation_rate_bps));
  EXPECT_EQ(s.network.costs.rendezvous_bytes, 0);
  EXPECT_TRUE(mentions(test::issues_of(with_network({{"costs", {{"send_rate", "fast"}}}})),
                       ".network.costs.send_rate", "rate"));
}

TEST(NetworkKeys, TransportProfileDefaultsAreResolvedAndOverridable) {
  const Scenario ns3 = parse_scenario(
      with_network({{"transport", {{"profile", "ns3"}, {"min_rto", "300ms"}}}}), "t.json");
  EXPECT_EQ(ns3.network.transport.min_rto_s, 0.3);
  EXPECT_EQ(ns3.network.transport.delayed_ack_timeout_s, 0.2);
  EXPECT_EQ(ns3.network.transport.send_buffer_bytes, 131072);
  // Linux buffers grow with the bandwidth-delay product: 10 Gbps x 2 x 10 ms = 25 MB.
  const Scenario fat = parse_scenario(with_network({{"bandwidth", "10Gbps"}, {"latency", "10ms"}}),
                                      "f.json");
  EXPECT_EQ(fat.network.transport.receive_buffer_bytes, 50'000'000);
}

}  // namespace
}  // namespace sasgsim
