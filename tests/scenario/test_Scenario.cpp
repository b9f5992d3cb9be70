#include <gtest/gtest.h>

#include <string>

#include "algorithms/LazyRuleOptions.h"
#include "algorithms/TopKOptions.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {
namespace {

TEST(Scenario, NamesAsInScenarioFiles) {
  EXPECT_STREQ(to_string(DeviceKind::kAuto), "auto");
  EXPECT_STREQ(to_string(DeviceKind::kCpu), "cpu");
  EXPECT_STREQ(to_string(DeviceKind::kCuda), "cuda");
  EXPECT_STREQ(to_string(DatasetKind::kMnist), "mnist");
  EXPECT_STREQ(to_string(DatasetKind::kFashionMnist), "fashion-mnist");
  EXPECT_STREQ(to_string(DatasetKind::kCifar10), "cifar10");
  EXPECT_STREQ(to_string(DatasetKind::kCifar100), "cifar100");
  EXPECT_STREQ(to_string(DatasetKind::kSynthetic), "synthetic");
  EXPECT_STREQ(to_string(PartitionKind::kIid), "iid");
  EXPECT_STREQ(to_string(PartitionKind::kByDataset), "by_dataset");
  EXPECT_STREQ(to_string(PartitionKind::kDirichlet), "dirichlet");
  EXPECT_STREQ(to_string(ModelKind::kFc512), "fc512");
  EXPECT_STREQ(to_string(ModelKind::kResnet18), "resnet18");
  EXPECT_STREQ(to_string(ModelKind::kCnn), "cnn");
  EXPECT_STREQ(to_string(NetworkBackendKind::kAnalytic), "analytic");
  EXPECT_STREQ(to_string(NetworkBackendKind::kNs3), "ns3");
  EXPECT_STREQ(to_string(FidelityKind::kMemo), "memo");
  EXPECT_STREQ(to_string(FidelityKind::kExact), "exact");
  EXPECT_STREQ(to_string(TopologyKind::kDirect), "direct");
  EXPECT_STREQ(to_string(TopologyKind::kSwitch), "switch");
  EXPECT_STREQ(to_string(ScheduleKind::kSequential), "sequential");
  EXPECT_STREQ(to_string(ScheduleKind::kConcurrent), "concurrent");
  EXPECT_STREQ(to_string(LrScheduleKind::kConstant), "constant");
  EXPECT_STREQ(to_string(LrScheduleKind::kStep), "step");
  EXPECT_STREQ(to_string(ThresholdLrKind::kCurrent), "current");
  EXPECT_STREQ(to_string(ThresholdLrKind::kLagged), "lagged");
  EXPECT_STREQ(to_string(TopkScope::kPerTensor), "per_tensor");
  EXPECT_STREQ(to_string(TopkScope::kGlobal), "global");
  EXPECT_STREQ(to_string(ComputeModelKind::kNone), "none");
  EXPECT_STREQ(to_string(ComputeModelKind::kFixed), "fixed");
  EXPECT_STREQ(to_string(ComputeModelKind::kMeasured), "measured");
  EXPECT_STREQ(to_string(ComputeModelKind::kFlops), "flops");
}

TEST(Scenario, SpeedOfFallsBackToNominal) {
  ComputeOptions compute;
  compute.speed[3] = 0.25;
  EXPECT_EQ(compute.speed_of(3), 0.25);
  EXPECT_EQ(compute.speed_of(0), 1.0);
  EXPECT_EQ(compute.model, ComputeModelKind::kNone);
  EXPECT_EQ(compute.topk_flops_per_element, 20.0);
}

TEST(Scenario, LinkOfFallsBackToTheNetworkWideLink) {
  NetworkOptions net;
  net.link = {1e9, 1e-4};
  net.per_worker[3] = {1e8, 1e-3};
  EXPECT_EQ(net.link_of(3).rate_bps, 1e8);
  EXPECT_EQ(net.link_of(2).rate_bps, 1e9);
  EXPECT_EQ(net.link_of(2).latency_s, 1e-4);
}

TEST(Scenario, NetworkDefaultsAreTheNs3BackendWithMemoFidelity) {
  const NetworkOptions net;
  EXPECT_EQ(net.backend, NetworkBackendKind::kNs3);
  EXPECT_EQ(net.fidelity, FidelityKind::kMemo);
  EXPECT_EQ(net.topology, TopologyKind::kSwitch);  // one server card
  EXPECT_EQ(net.server, ServerPlacementKind::kDedicated);
  EXPECT_EQ(net.framing_bytes, 38);
  EXPECT_EQ(net.transport.profile, TransportProfileKind::kLinux);
  EXPECT_EQ(net.costs.rendezvous_bytes, 48);
  EXPECT_GT(net.costs.send_per_message_s, 0.0);
  EXPECT_GT(net.costs.receive_per_message_s, 0.0);
  EXPECT_EQ(net.loss.rate, 0.0);
  EXPECT_FALSE(net.downlink);
  EXPECT_EQ(net.transport.segment_size_bytes, 1448);
  EXPECT_EQ(net.queue_packets, 100);
  EXPECT_EQ(net.memo_warmup, 2);
}

}  // namespace
}  // namespace sasgsim
