// Every unit-bearing scenario key keeps to a physical range (Units.h, SchemaValues.h): absurd
// values are refused with their path, the value, the range and how to fix it, and the edges
// of each range are accepted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/Overrides.h"
#include "sim/scenario/ScenarioParser.h"
#include "sim/scenario/SchemaValues.h"
#include "sim/scenario/Units.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::base_scenario;
using test::describe;
using test::has_issue;
using test::issues_of;

const std::string kFixed = "compute={\"model\":\"fixed\",\"batch_time\":\"5ms\"}";
const std::string kFlops = "compute={\"model\":\"flops\",\"device_flops\":1e9}";

json edited(const std::vector<std::string>& sets) {
  json doc = base_scenario();
  for (const std::string& s : sets) apply_override(doc, s);
  return doc;
}

struct Refused {
  std::vector<std::string> sets;
  std::string path;
  std::string message;  // the whole message
};

void expect_refused(const Refused& c) {
  const std::vector<ScenarioIssue> issues = issues_of(edited(c.sets));
  ASSERT_EQ(issues.size(), 1u) << c.sets.back() << "\n" << describe(issues);
  EXPECT_EQ(issues[0].path, c.path) << c.sets.back();
  EXPECT_EQ(issues[0].message, c.message) << c.sets.back();
}

const char* const kRateRange = "expected a rate in [1kbps, 10Tbps], got ";
const char* const kTimeRange = "expected a time in [0s, 1d], got ";

TEST(PhysicalRanges, AbsurdRatesAreRefusedWithTheRangeAndTheFix) {
  const std::string above = "; lower it to at most 10Tbps";
  const std::string below = "; raise it to at least 1kbps";
  for (const Refused& c : std::vector<Refused>{
           {{"network.bandwidth=1e99Gbps"}, ".network.bandwidth",
            kRateRange + std::string("\"1e99Gbps\"") + above},
           {{"network.bandwidth=0.5bps"}, ".network.bandwidth",
            kRateRange + std::string("\"0.5bps\"") + below},
           {{"network.bandwidth=1e-30Gbps"}, ".network.bandwidth",
            kRateRange + std::string("\"1e-30Gbps\"") + below},
           {{"network.bandwidth=10.001Tbps"}, ".network.bandwidth",
            kRateRange + std::string("\"10.001Tbps\"") + above},
           {{"network.bandwidth=999bps"}, ".network.bandwidth",
            kRateRange + std::string("\"999bps\"") + below},
           {{"network.per_worker.3.bandwidth=1e99Gbps"}, ".network.per_worker.3.bandwidth",
            kRateRange + std::string("\"1e99Gbps\"") + above},
           {{"network.server_link.bandwidth=1e99Gbps"}, ".network.server_link.bandwidth",
            kRateRange + std::string("\"1e99Gbps\"") + above},
           {{"network.server_link.upload_bandwidth=1bps"},
            ".network.server_link.upload_bandwidth", kRateRange + std::string("\"1bps\"") + below},
           {{"network.server_link.download_bandwidth=1e99Gbps"},
            ".network.server_link.download_bandwidth",
            kRateRange + std::string("\"1e99Gbps\"") + above},
           {{"network.costs.send_rate=1e99GB/s"}, ".network.costs.send_rate",
            kRateRange + std::string("\"1e99GB/s\"") + above},
           {{"network.costs.receive_rate=1Bps"}, ".network.costs.receive_rate",
            kRateRange + std::string("\"1Bps\"") + below},
           {{"network.costs.aggregation_rate=1e99Gbps"}, ".network.costs.aggregation_rate",
            kRateRange + std::string("\"1e99Gbps\"") + above},
       }) {
    expect_refused(c);
  }
}

TEST(PhysicalRanges, AbsurdTimesAreRefusedWithTheRangeAndTheFix) {
  const std::string above = "; lower it to at most 1d";
  const std::string positive = "expected a time in (0s, 1d], got ";
  for (const Refused& c : std::vector<Refused>{
           {{"network.latency=1e99s"}, ".network.latency",
            kTimeRange + std::string("\"1e99s\"") + above},
           {{"network.latency=1e300ms"}, ".network.latency",
            kTimeRange + std::string("\"1e300ms\"") + above},
           {{"network.latency=86400.001s"}, ".network.latency",
            kTimeRange + std::string("\"86400.001s\"") + above},
           {{"network.per_worker.3.latency=2d"}, ".network.per_worker.3.latency",
            kTimeRange + std::string("\"2d\"") + above},
           {{"network.server_link.latency=25h"}, ".network.server_link.latency",
            kTimeRange + std::string("\"25h\"") + above},
           {{"network.costs.send_per_message=1e99s"}, ".network.costs.send_per_message",
            kTimeRange + std::string("\"1e99s\"") + above},
           {{"network.costs.receive_per_message=1e99us"}, ".network.costs.receive_per_message",
            kTimeRange + std::string("\"1e99us\"") + above},
           {{"network.transport.min_rto=1e99s"}, ".network.transport.min_rto",
            positive + "\"1e99s\"" + above},
           {{"network.transport.min_rto=0s"}, ".network.transport.min_rto",
            positive + "\"0s\"; raise it to more than 0s"},
           {{"network.transport.delayed_ack_timeout=1e99s"},
            ".network.transport.delayed_ack_timeout", positive + "\"1e99s\"" + above},
           {{kFixed, "compute.batch_time=1e99s"}, ".compute.batch_time",
            positive + "\"1e99s\"" + above},
           {{kFixed, "compute.topk_time=1e99s"}, ".compute.topk_time",
            kTimeRange + std::string("\"1e99s\"") + above},
       }) {
    expect_refused(c);
  }
}

TEST(PhysicalRanges, AbsurdComputeAndTrainingNumbersAreRefusedWithTheRange) {
  for (const Refused& c : std::vector<Refused>{
           {{kFixed, "compute.per_worker.3.speed=1e-300"}, ".compute.per_worker.3.speed",
            "expected a number in [0.001, 1000], got 1e-300"},
           {{kFixed, "compute.per_worker.3.speed=1e300"}, ".compute.per_worker.3.speed",
            "expected a number in [0.001, 1000], got 1e+300"},
           {{kFlops, "compute.device_flops=1e300"}, ".compute.device_flops",
            "expected a number in [1000000, 1e+18], got 1e+300"},
           {{kFlops, "compute.device_flops=1"}, ".compute.device_flops",
            "expected a number in [1000000, 1e+18], got 1"},
           {{kFlops, "compute.topk_flops_per_element=1e300"}, ".compute.topk_flops_per_element",
            "expected a number in [0, 1000000], got 1e+300"},
           {{"train.iterations=null", "train.epochs=1e300"}, ".train.epochs",
            "expected a number in (0, 1000000], got 1e+300"},
           {{"train.lr_schedule={\"type\":\"step\",\"milestones\":[1e300]}"},
            ".train.lr_schedule.milestones[0]", "expected a number in (0, 1000000], got 1e+300"},
       }) {
    expect_refused(c);
  }
}

TEST(PhysicalRanges, TheEdgesOfEachRangeAreAccepted) {
  for (const std::vector<std::string>& sets : std::vector<std::vector<std::string>>{
           {"network.bandwidth=1kbps", "network.latency=1d"},
           {"network.bandwidth=10Tbps", "network.latency=0s"},
           {"network.bandwidth=0.125kB/s", "network.latency=86400s"},
           {"network.per_worker.3.bandwidth=1kbps", "network.per_worker.3.latency=24h"},
           {"network.server_link.bandwidth=10Tbps", "network.server_link.latency=1d"},
           {"network.server_link.upload_bandwidth=1kbps",
            "network.server_link.download_bandwidth=1.25TBps"},
           {"network.costs.send_rate=10Tbps", "network.costs.receive_rate=1kbps",
            "network.costs.aggregation_rate=unlimited", "network.costs.send_per_message=1d",
            "network.costs.receive_per_message=0s"},
           {"network.transport.min_rto=1d", "network.transport.delayed_ack_timeout=1fs"},
           {kFixed, "compute.batch_time=1d", "compute.topk_time=1d",
            "compute.per_worker.2.speed=0.001", "compute.per_worker.3.speed=1000"},
           {kFlops, "compute.device_flops=1e6", "compute.topk_flops_per_element=0"},
           {kFlops, "compute.device_flops=1e18", "compute.topk_flops_per_element=1e6"},
           {"train.iterations=null", "train.epochs=1e6"},
           {"train.lr_schedule={\"type\":\"step\",\"milestones\":[1e6]}"},
       }) {
    const std::vector<ScenarioIssue> issues = issues_of(edited(sets));
    EXPECT_TRUE(issues.empty()) << sets.back() << "\n" << describe(issues);
  }
}

TEST(PhysicalRanges, RatesAndTimesAtTheEdgesAreWrittenBackExactly) {
  const Scenario s = parse_scenario(edited({"network.bandwidth=10Tbps", "network.latency=1d",
                                            "network.per_worker.3.bandwidth=1kbps"}),
                                    "edges.json");
  EXPECT_EQ(s.network.link.rate_bps, kMaxRateBps);
  EXPECT_EQ(s.network.link.latency_s, kMaxTimeS);
  EXPECT_EQ(s.network.per_worker.at(3).rate_bps, kMinRateBps);
  EXPECT_EQ(s.resolved["network"]["bandwidth"], "10Tbps");
  EXPECT_EQ(s.resolved["network"]["latency"], "86400s");
}

TEST(PhysicalRanges, TheRangesAreDocumentedInTheirUnits) {
  EXPECT_EQ(rate_range_text(rate_range()), "[1kbps, 10Tbps]");
  EXPECT_EQ(time_range_text(time_range()), "[0s, 1d]");
  EXPECT_EQ(time_range_text(positive_time_range()), "(0s, 1d]");
  EXPECT_EQ(rate_range_problem("1Gbps", 1e9), "");
  EXPECT_EQ(time_range_problem("2d", 172800.0),
            "expected a time in [0s, 1d], got \"2d\"; lower it to at most 1d");
}

}  // namespace
}  // namespace sasgsim
