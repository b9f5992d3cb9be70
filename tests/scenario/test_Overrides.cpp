#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/Errors.h"
#include "sim/scenario/Overrides.h"

namespace sasgsim {
namespace {

using nlohmann::json;

json sample() {
  return json::parse(R"({"workers": 10, "train": {"iterations": 600, "lr": 0.005},
                         "algorithms": ["sgd", {"name": "sasg", "density": 0.01}],
                         "network": {"bandwidth": "1Gbps"}})");
}

TEST(Overrides, ValuesAreJsonWhenTheyParseElseStrings) {
  json doc = sample();
  apply_override(doc, "workers=4");
  apply_override(doc, "network.bandwidth=100Mbps");
  apply_override(doc, "train.lr=1e-3");
  apply_override(doc, "name=quick");
  apply_override(doc, "train.target_top5=true");
  apply_override(doc, "train.lr_schedule={\"type\": \"step\", \"milestones\": [20]}");
  apply_override(doc, "data.path=");
  apply_override(doc, "description=a=b");  // only the first '=' separates
  EXPECT_EQ(doc["workers"], 4);
  EXPECT_TRUE(doc["workers"].is_number_integer());
  EXPECT_EQ(doc["network"]["bandwidth"], "100Mbps");
  EXPECT_EQ(doc["train"]["lr"], 1e-3);
  EXPECT_EQ(doc["name"], "quick");
  EXPECT_EQ(doc["train"]["target_top5"], true);
  EXPECT_EQ(doc["train"]["lr_schedule"]["milestones"], json::array({20}));
  EXPECT_EQ(doc["data"]["path"], "");
  EXPECT_EQ(doc["description"], "a=b");
  EXPECT_EQ(doc["train"]["iterations"], 600);  // siblings untouched
}

TEST(Overrides, QuotedJsonStringStaysAString) {
  json doc = sample();
  apply_override(doc, "workers=\"4\"");
  EXPECT_EQ(doc["workers"], "4");
}

TEST(Overrides, ArrayElementsByIndexInEitherSpelling) {
  json doc = sample();
  apply_override(doc, "algorithms.1.density=0.05");
  EXPECT_EQ(doc["algorithms"][1]["density"], 0.05);
  apply_override(doc, ".algorithms[1].D=5");
  EXPECT_EQ(doc["algorithms"][1]["D"], 5);
  apply_override(doc, "algorithms[0]=lasg");
  EXPECT_EQ(doc["algorithms"][0], "lasg");
}

TEST(Overrides, StringShorthandsExpandToObjects) {
  json doc = sample();
  apply_override(doc, "algorithms.0.label=baseline");
  EXPECT_EQ(doc["algorithms"][0], json({{"name", "sgd"}, {"label", "baseline"}}));
  doc["train"]["lr_schedule"] = "step";
  apply_override(doc, "train.lr_schedule.milestones=[10,20]");
  EXPECT_EQ(doc["train"]["lr_schedule"],
            json({{"type", "step"}, {"milestones", json::array({10, 20})}}));
}

TEST(Overrides, IndexEqualToLengthAppends) {
  json doc = sample();
  apply_override(doc, "algorithms.2=sparse");
  ASSERT_EQ(doc["algorithms"].size(), 3u);
  EXPECT_EQ(doc["algorithms"][2], "sparse");
  apply_override(doc, "algorithms.3.name=lasg");
  EXPECT_EQ(doc["algorithms"][3], json({{"name", "lasg"}}));
}

TEST(Overrides, MissingObjectsAreCreatedWithNumericKeysAsObjectKeys) {
  json doc = sample();
  apply_override(doc, "network.per_worker.3.bandwidth=100Mbps");
  EXPECT_EQ(doc["network"]["per_worker"]["3"]["bandwidth"], "100Mbps");
  EXPECT_TRUE(doc["network"]["per_worker"].is_object());
  apply_override(doc, "data.augment.horizontal_flip=true");
  EXPECT_EQ(doc["data"]["augment"]["horizontal_flip"], true);
  json empty;
  apply_override(empty, "workers=2");
  EXPECT_EQ(empty, json({{"workers", 2}}));
}

TEST(Overrides, KeySegmentsMayContainColons) {
  // ns-3 attribute names ("ns3::Type::Attribute") are one segment: only '.' and '[' split.
  json doc = sample();
  apply_override(doc, "network.ns3_attributes.ns3::TcpSocket::InitialCwnd=10");
  apply_override(doc, ".network.ns3_attributes.ns3::TcpSocketBase::MinRto=200ms");
  apply_override(doc, "network.fidelity=exact");
  EXPECT_EQ(doc["network"]["ns3_attributes"],
            json({{"ns3::TcpSocket::InitialCwnd", 10}, {"ns3::TcpSocketBase::MinRto", "200ms"}}));
  EXPECT_EQ(doc["network"]["fidelity"], "exact");
  EXPECT_EQ(doc["network"]["bandwidth"], "1Gbps");
  apply_override(doc, "network.ns3_attributes.ns3::TcpSocket::InitialCwnd=null");
  EXPECT_EQ(doc["network"]["ns3_attributes"], json({{"ns3::TcpSocketBase::MinRto", "200ms"}}));
}

TEST(Overrides, NullRemovesTheKey) {
  json doc = sample();
  apply_override(doc, "train.iterations=null");
  apply_override(doc, "train.epochs=20");
  EXPECT_FALSE(doc["train"].contains("iterations"));
  EXPECT_EQ(doc["train"]["epochs"], 20);
  apply_override(doc, "algorithms.0=null");
  ASSERT_EQ(doc["algorithms"].size(), 1u);
  EXPECT_EQ(doc["algorithms"][0]["name"], "sasg");
  apply_override(doc, "train.not_there=null");  // removing what is absent is fine
}

void expect_usage_error(const std::string& assignment, const std::string& part) {
  json doc = sample();
  try {
    apply_override(doc, assignment);
    ADD_FAILURE() << "accepted " << assignment;
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(part), std::string::npos) << assignment << ": " << what;
    EXPECT_NE(what.find("--set \"" + assignment + "\""), std::string::npos) << what;
  }
}

TEST(Overrides, MalformedAssignmentsAreUsageErrors) {
  expect_usage_error("workers", "expected KEY=VALUE");
  expect_usage_error("=3", "empty key");
  expect_usage_error(".=3", "empty key");
  expect_usage_error("train..lr=1", "empty segment");
  expect_usage_error("train.=1", "ends with '.'");
  expect_usage_error("algorithms[x]=1", "expected an array index in [...], got \"x\"");
  expect_usage_error("algorithms[0=1", "unclosed '['");
  expect_usage_error("algorithms.first=1", "\"algorithms\" is an array; address its elements by "
                                           "index, e.g. \"algorithms.0\"");
  expect_usage_error("algorithms.5.density=0.1",
                     "index 5 is out of range: \"algorithms\" has 2 elements");
  expect_usage_error("workers.count=3", "\"workers\" is a number, not an object or array");
  expect_usage_error("network.bandwidth.value=3",
                     "\"network.bandwidth\" is a string, not an object or array");
  expect_usage_error("train.lr.x.y=3", "\"train.lr\" is a number");
}

TEST(Overrides, NonObjectDocument) {
  json doc = json::array({1});
  EXPECT_THROW(apply_override(doc, "workers=1"), UsageError);
}

TEST(Overrides, AppliesInOrder) {
  json doc = sample();
  apply_overrides(doc, {"workers=4", "workers=5"});
  EXPECT_EQ(doc["workers"], 5);
}

}  // namespace
}  // namespace sasgsim
