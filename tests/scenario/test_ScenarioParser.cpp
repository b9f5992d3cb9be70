#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/scenario/ScenarioParser.h"
#include "sim/scenario/Units.h"
#include "tests/scenario/ScenarioTestUtil.h"

namespace sasgsim {
namespace {

using nlohmann::json;
using test::base_scenario;
using test::describe;
using test::has_issue;
using test::issues_of;
using test::TempDir;
namespace fs = std::filesystem;

// One bad edit of the base scenario and the one issue it must produce.
struct BadCase {
  std::vector<std::string> sets;  // --set assignments applied to base_scenario()
  std::string path;
  std::string part;               // a key part of the message
};

void expect_single_issue(const BadCase& c) {
  json doc = base_scenario();
  std::string label;
  for (const std::string& s : c.sets) {
    apply_override(doc, s);
    label += " --set " + s;
  }
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, c.path, c.part))
      << label << "\n wanted " << c.path << ": ..." << c.part << "...\n got:\n" << describe(issues);
  EXPECT_EQ(issues.size(), 1u) << label << "\n got:\n" << describe(issues);
}

void expect_all(const std::vector<BadCase>& cases) {
  for (const BadCase& c : cases) expect_single_issue(c);
}

TEST(ScenarioParser, BaseScenarioIsValidWithDefaults) {
  const Scenario s = parse_scenario(base_scenario(), "base.json");
  EXPECT_EQ(s.name, "base");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.device, DeviceKind::kAuto);
  EXPECT_EQ(s.threads, 0);
  EXPECT_EQ(s.workers, 4);
  EXPECT_EQ(s.data.primary.kind, DatasetKind::kSynthetic);
  EXPECT_EQ(s.data.primary.path, "");
  EXPECT_EQ(s.data.primary.mean, std::vector<double>{0.0});
  EXPECT_EQ(s.data.primary.std, std::vector<double>{1.0});
  EXPECT_EQ(s.data.primary.synthetic.train_size, 640);
  EXPECT_FALSE(s.data.secondary);
  EXPECT_EQ(s.data.partition, PartitionKind::kIid);
  EXPECT_EQ(s.data.batch_size, 8);
  EXPECT_EQ(s.data.augment.crop_padding, 0);
  EXPECT_FALSE(s.data.augment.horizontal_flip);
  EXPECT_EQ(s.model, ModelKind::kFc512);
  EXPECT_EQ(s.train.iterations, 10);
  EXPECT_FALSE(s.train.epochs);
  EXPECT_EQ(s.train.lr, 0.05);
  EXPECT_EQ(s.train.lr_schedule.kind, LrScheduleKind::kConstant);
  EXPECT_EQ(s.train.eval_every, 100);
  EXPECT_EQ(s.train.eval_batch_size, 1000);
  EXPECT_FALSE(s.train.target_accuracy);
  EXPECT_FALSE(s.train.target_top5);
  ASSERT_EQ(s.algorithms.size(), 4u);
  const char* names[] = {"sgd", "sparse", "lasg", "sasg"};
  for (size_t i = 0; i < 4; ++i) {
    const AlgorithmConfig& a = s.algorithms[i];
    EXPECT_EQ(a.name(), names[i]);
    EXPECT_EQ(a.label, names[i]);
    test::expect_paper_mnist_options(a);
  }
  EXPECT_EQ(s.algorithms[1].options_as<SparseOptions>().topk.density, 0.01);
  EXPECT_EQ(s.algorithms[3].options_as<SasgOptions>().rule.max_delay, 10);
  EXPECT_EQ(s.network.backend, NetworkBackendKind::kNs3);
  EXPECT_EQ(s.network.fidelity, FidelityKind::kMemo);
  EXPECT_EQ(s.network.schedule, ScheduleKind::kSequential);
  EXPECT_EQ(s.network.link.rate_bps, 1e9);
  EXPECT_EQ(s.network.link.latency_s, 1e-4);
  EXPECT_TRUE(s.network.per_worker.empty());
  EXPECT_EQ(s.network.topology, TopologyKind::kSwitch);
  EXPECT_EQ(s.network.server_link.rate_bps, 1e9);
  EXPECT_EQ(s.network.server_link.latency_s, 0.0);
  EXPECT_FALSE(s.network.downlink);
  // The linux profile, resolved: Linux's buffer maxima (the BDP is far smaller).
  EXPECT_EQ(s.network.transport.congestion_control, "TcpCubic");
  EXPECT_EQ(s.network.transport.segment_size_bytes, 1448);
  EXPECT_EQ(s.network.transport.send_buffer_bytes, 4194304);
  EXPECT_EQ(s.network.transport.receive_buffer_bytes, 6291456);
  EXPECT_EQ(s.network.transport.min_rto_s, 0.2);
  EXPECT_EQ(s.network.transport.delayed_ack_timeout_s, 0.04);
  EXPECT_EQ(s.network.queue_packets, 100);
  EXPECT_EQ(s.network.memo_warmup, 2);
  EXPECT_TRUE(s.network.ns3_attributes.empty());
  EXPECT_EQ(s.data.augment.rotation_degrees, 0.0);
  EXPECT_TRUE(s.seeds.empty());
  EXPECT_EQ(s.compute.model, ComputeModelKind::kNone);
  EXPECT_EQ(s.compute.batch_time_s, 0.0);
  EXPECT_EQ(s.compute.topk_time_s, 0.0);
  EXPECT_EQ(s.compute.device_flops, 0.0);
  EXPECT_EQ(s.compute.topk_flops_per_element, 20.0);
  EXPECT_TRUE(s.compute.speed.empty());
}

TEST(ScenarioParser, ResolvedHoldsEveryDefaultInCanonicalForm) {
  const json r = parse_scenario(base_scenario(), "base.json").resolved;
  EXPECT_EQ(r["seed"], 42);
  EXPECT_EQ(r["device"], "auto");
  EXPECT_EQ(r["threads"], 0);
  EXPECT_EQ(r["model"], "fc512");
  EXPECT_EQ(r["data"]["partition"], "iid");
  EXPECT_FALSE(r["data"].contains("dirichlet_alpha"));
  EXPECT_FALSE(r["data"].contains("path"));  // synthetic data has no files
  EXPECT_EQ(r["data"]["normalize"], json::parse(R"({"mean": [0.0], "std": [1.0]})"));
  EXPECT_EQ(r["data"]["augment"], json::parse(R"({"crop_padding": 0, "horizontal_flip": false,
                                                  "rotation_degrees": 0.0})"));
  EXPECT_EQ(r["data"]["synthetic"]["shape"], json::array({1, 8, 8}));
  EXPECT_EQ(r["train"]["lr_schedule"], json::parse(R"({"type": "constant"})"));
  EXPECT_EQ(r["train"]["eval_every"], 100);
  EXPECT_EQ(r["train"]["eval_batch_size"], 1000);
  EXPECT_EQ(r["train"]["target_top5"], false);
  EXPECT_FALSE(r["train"].contains("epochs"));
  EXPECT_EQ(r["algorithms"][0], json::parse(R"({"name": "sgd", "label": "sgd"})"));
  EXPECT_EQ(r["algorithms"][1], json::parse(R"({"name": "sparse", "label": "sparse",
                                                "density": 0.01, "topk_scope": "per_tensor"})"));
  EXPECT_EQ(r["algorithms"][2], json::parse(R"({"name": "lasg", "label": "lasg", "D": 10,
                                                "kappa": 1.0, "c_factor": 2.0,
                                                "threshold_lr": "current"})"));
  EXPECT_EQ(r["algorithms"][3].size(), 8u);
  EXPECT_EQ(r["network"], json::parse(R"({
      "backend": "ns3", "fidelity": "memo", "bandwidth": "1Gbps", "latency": "0.1ms",
      "schedule": "sequential", "per_worker": {}, "topology": "switch", "server": "dedicated",
      "server_link": {"latency": "0s"}, "framing_bytes": 38,
      "costs": {"rendezvous_bytes": 48, "send_per_message": "20us", "send_rate": "16Gbps",
                "receive_per_message": "20us", "receive_rate": "16Gbps",
                "aggregation_rate": "32Gbps"},
      "loss": {"rate": 0.0, "burst_packets": 1}, "downlink": false,
      "transport": {"profile": "linux", "congestion_control": "TcpCubic", "segment_size": 1448,
                    "send_buffer": 4194304, "receive_buffer": 6291456, "min_rto": "0.2s",
                    "delayed_ack_timeout": "40ms", "delayed_ack_count": 2,
                    "initial_window": 10},
      "queue_packets": 100, "queue_discipline": "drop_tail", "memo_warmup": 2, "ns3_attributes": {}})"));
  EXPECT_EQ(r["compute"], json::parse(R"({"model": "none"})"));
}

TEST(ScenarioParser, EveryOptionRoundTripsThroughResolved) {
  TempDir tmp;
  const std::string mnist = test::make_dataset(tmp, DatasetKind::kMnist, "mnist");
  const std::string cifar = test::make_dataset(tmp, DatasetKind::kCifar10, "cifar");
  const json doc = json::parse(R"({
    "name": "everything-1.0", "description": "all options", "seed": 18446744073709551615,
    "device": "cpu", "threads": 2, "workers": 6, "model": "resnet18",
    "data": {"dataset": "cifar10", "path": ")" + cifar + R"(/",
             "normalize": {"mean": [0.5, 0.5, 0.5]},
             "second": {"dataset": "mnist", "path": ")" + mnist + R"(",
                        "normalize": {"mean": [0.2], "std": [0.4]}},
             "partition": "by_dataset", "batch_size": 16,
             "augment": {"crop_padding": 4, "horizontal_flip": true, "rotation_degrees": 15}},
    "train": {"epochs": 2.5, "lr": 0.01,
              "lr_schedule": {"type": "step", "milestones": [1, 2], "gamma": 0.5},
              "eval_every": 50, "eval_batch_size": 500, "target_accuracy": 92,
              "target_top5": true},
    "algorithms": ["sgd",
                   {"name": "sparse", "density": 0.05, "topk_scope": "global"},
                   {"name": "lasg", "label": "lasg_k5", "D": 4, "kappa": 5, "c_factor": 1,
                    "threshold_lr": "lagged"},
                   {"name": "sasg", "D": 4, "xi": [0.1, 0.2, 0.3]},
                   {"name": "sasg", "label": "sasg-xi", "D": 3, "xi": 0.25}],
    "network": {"backend": "analytic", "bandwidth": "1.5Gb/s", "latency": "100us",
                "schedule": "concurrent",
                "per_worker": {"0": {"bandwidth": "10MBps"}, "5": {"latency": "2ms"},
                               "3": {"bandwidth": "1KiBps", "latency": "1e-6"}}}
  })");
  const Scenario a = parse_scenario(doc, "everything.json");
  EXPECT_EQ(a.seed, 18446744073709551615u);
  EXPECT_EQ(a.data.primary.path, cifar);  // trailing '/' dropped
  EXPECT_EQ(a.data.primary.mean, (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(a.data.primary.std, (std::vector<double>{0.2023, 0.1994, 0.2010}));
  ASSERT_TRUE(a.data.secondary);
  EXPECT_EQ(a.data.secondary->kind, DatasetKind::kMnist);
  EXPECT_EQ(a.data.secondary->mean, std::vector<double>{0.2});
  EXPECT_EQ(a.train.epochs, 2.5);
  EXPECT_EQ(a.train.lr_schedule.milestones_epochs, (std::vector<double>{1, 2}));
  EXPECT_EQ(test::rule_of(a.algorithms[3]).xi, (std::vector<double>{0.1, 0.2, 0.3}));
  EXPECT_EQ(test::rule_of(a.algorithms[4]).xi, (std::vector<double>{0.25, 0.25}));
  EXPECT_EQ(test::rule_of(a.algorithms[2]).threshold_lr, ThresholdLrKind::kLagged);
  EXPECT_EQ(a.data.augment.rotation_degrees, 15.0);
  EXPECT_EQ(a.resolved["data"]["augment"]["rotation_degrees"], 15.0);
  EXPECT_EQ(a.network.link.rate_bps, 1.5e9);
  EXPECT_EQ(a.network.link_of(0).rate_bps, 8e7);
  EXPECT_EQ(a.network.link_of(0).latency_s, 1e-4);
  EXPECT_EQ(a.network.link_of(5).rate_bps, 1.5e9);
  EXPECT_EQ(a.network.link_of(5).latency_s, 2e-3);
  EXPECT_EQ(a.network.link_of(3).rate_bps, 8192.0);
  EXPECT_EQ(a.network.link_of(3).latency_s, 1e-6);
  EXPECT_EQ(a.network.link_of(1).rate_bps, 1.5e9);
  EXPECT_EQ(a.resolved["network"]["bandwidth"], "1.5Gbps");
  EXPECT_EQ(a.resolved["network"]["per_worker"]["3"],
            json::parse(R"({"bandwidth": "8.192kbps", "latency": "1us"})"));
  EXPECT_EQ(a.resolved["algorithms"][3], json::parse(R"({"name": "sasg", "label": "sasg",
      "density": 0.01, "topk_scope": "per_tensor", "D": 4, "xi": [0.1, 0.2, 0.3]})"));

  const Scenario b = parse_scenario(a.resolved, "resolved.json");
  test::expect_same(a, b);
  // And once more from the resolved text, as a manifest would be read back.
  const Scenario c = parse_scenario(json::parse(a.resolved.dump(2)), "manifest.json");
  test::expect_same(a, c);
}

TEST(ScenarioParser, RoundTripOfDefaultsAndDirichlet) {
  json doc = base_scenario();
  apply_override(doc, "data.partition=dirichlet");
  apply_override(doc, "data.dirichlet_alpha=0.1");
  const Scenario a = parse_scenario(doc, "d.json");
  EXPECT_EQ(a.data.dirichlet_alpha, 0.1);
  EXPECT_EQ(a.resolved["data"]["dirichlet_alpha"], 0.1);
  test::expect_same(a, parse_scenario(a.resolved, "resolved.json"));
  test::expect_same(parse_scenario(base_scenario(), "base.json"),
                    parse_scenario(parse_scenario(base_scenario(), "base.json").resolved, "r"));
}

TEST(ScenarioParser, AcceptedForms) {
  json doc = base_scenario();
  apply_override(doc, "workers=4.0");  // integral numbers may be written as floats
  apply_override(doc, "seed=1e3");
  apply_override(doc, "train.lr_schedule=constant");
  apply_override(doc, "algorithms.3.xi=0");
  apply_override(doc, "network.latency=\"0\"");  // a bare number (in a string) is seconds
  apply_override(doc, "train.target_accuracy=100");
  const Scenario s = parse_scenario(doc, "forms.json");
  EXPECT_EQ(s.workers, 4);
  EXPECT_EQ(s.seed, 1000u);
  EXPECT_EQ(s.resolved["seed"], 1000);
  EXPECT_EQ(test::rule_of(s.algorithms[3]).xi, std::vector<double>(9, 0.0));
  EXPECT_EQ(s.network.link.latency_s, 0.0);
  EXPECT_EQ(s.resolved["network"]["latency"], "0s");
}

TEST(ScenarioParser, RootErrors) {
  expect_all({
      {{"name=null"}, ".name", "missing required key"},
      {{"name=5"}, ".name", "expected a string, got 5 (a number)"},
      {{"name=a/b"}, ".name", "letters, digits, '_', '.' and '-' only (it names a directory), got \"a/b\""},
      {{"name=.."}, ".name", "it names a directory"},
      {{"description=[1]"}, ".description", "expected a string, got [1]"},
      {{"seed=-1"}, ".seed", "expected a non-negative integer, got -1"},
      {{"seed=1.5"}, ".seed", "expected a non-negative integer, got 1.5"},
      {{"seed=\"42\""}, ".seed", "got \"42\" (a string)"},
      {{"device=gpu"}, ".device", "expected one of \"auto\", \"cpu\", \"cuda\", got \"gpu\""},
      {{"device=5"}, ".device", "expected one of \"auto\", \"cpu\", \"cuda\", got 5 (a number)"},
      {{"threads=-1"}, ".threads", "expected an integer in 0..1024, got -1"},
      {{"workers=0"}, ".workers", "expected an integer in 1..1024, got 0"},
      {{"workers=1025"}, ".workers", "expected an integer in 1..1024, got 1025"},
      {{"workers=2.5"}, ".workers", "got 2.5"},
      {{"workers=\"4\""}, ".workers", "got \"4\" (a string)"},
      {{"worker=4"}, ".worker", "unknown key \"worker\"; did you mean \"workers\"?"},
      {{"batch_size=4"}, ".batch_size", "did you mean \"data.batch_size\"?"},
      {{"lr=4"}, ".lr", "did you mean \"train.lr\"?"},
      {{"bandwidth=1Gbps"}, ".bandwidth", "did you mean \"network.bandwidth\"?"},
      {{"M=10"}, ".M", "did you mean \"workers\" (the paper's M)?"},
      {{"density=0.1"}, ".density", "it is set per algorithm"},
      {{"colour=1"}, ".colour", "unknown key \"colour\" (known keys here: name, description"},
      {{"data=null"}, ".data", "missing required key"},
      {{"data=3"}, ".data", "expected an object {...}, got 3 (a number)"},
      {{"model=resnet"}, ".model", "did you mean \"resnet18\"?"},
      {{"model=vgg"}, ".model", "expected one of \"fc512\", \"resnet18\", \"cnn\", got \"vgg\""},
      {{"train=null"}, ".train", "missing required key"},
      {{"train=[]"}, ".train", "expected an object"},
      {{"algorithms=null"}, ".algorithms", "missing required key"},
      {{"network=5"}, ".network", "expected an object"},
      {{"compute=5"}, ".compute", "expected an object"},
      {{"batch_time=5ms"}, ".batch_time", "did you mean \"compute.batch_time\"?"},
      {{"device_flops=1e9"}, ".device_flops", "did you mean \"compute.device_flops\"?"},
      {{"speed=0.5"}, ".speed", "it is set per worker in \"compute.per_worker\""},
  });
}

TEST(ScenarioParser, BytesThatAreNotUtf8AreQuotedNotThrown) {
  json doc = base_scenario();
  apply_override(doc, "network.bandwidth=\xff");
  apply_override(doc, "name=\xfe");
  apply_override(doc, "description=caf\xe9");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".network.bandwidth", "expected a rate like")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".name", "expected a name of")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".description", "expected UTF-8 text")) << describe(issues);
  EXPECT_EQ(issues.size(), 3u) << describe(issues);
}

TEST(ScenarioParser, DocumentThatIsNotAnObject) {
  const std::vector<ScenarioIssue> issues = issues_of(json::array({1}));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "");
  EXPECT_NE(issues[0].message.find("expected an object"), std::string::npos);
}

TEST(ScenarioParser, DataErrors) {
  expect_all({
      {{"data.dataset=null"}, ".data.dataset", "missing required key: expected one of \"mnist\""},
      {{"data.dataset=mnsit"}, ".data.dataset", "did you mean \"mnist\"?"},
      {{"data.dataset=imagenet"}, ".data.dataset", "got \"imagenet\""},
      {{"data.path=x"}, ".data.path",
       "\"path\" applies only when \"dataset\" is \"mnist\", \"fashion-mnist\", \"cifar10\" or "
       "\"cifar100\", not \"synthetic\"; remove it"},
      {{"data.dataset=mnist", "data.synthetic=null", "data.path=5"},
       ".data.path", "expected a directory path (a non-empty string), got 5 (a number)"},
      {{"data.dataset=mnist", "data.synthetic=null", "data.path=\"\""},
       ".data.path", "expected a directory path"},
      {{"data.dataset=mnist"}, ".data.synthetic",
       "\"synthetic\" applies only when \"dataset\" is \"synthetic\", not \"mnist\"; remove it or set "
       "\"dataset\": \"synthetic\""},
      {{"data.synthetic.train_size=0"}, ".data.synthetic.train_size",
       "expected an integer in 1..10000000, got 0"},
      {{"data.synthetic.test_size=0"}, ".data.synthetic.test_size", "got 0"},
      {{"data.synthetic.classes=1"}, ".data.synthetic.classes", "expected an integer in 2..100000"},
      {{"data.synthetic.shape=[1,8]"}, ".data.synthetic.shape",
       "expected [C, H, W]: 3 integers in 1..4096, got [1,8]"},
      {{"data.synthetic.shape=[1,0,8]"}, ".data.synthetic.shape[1]",
       "expected an integer in 1..4096, got 0"},
      {{"data.synthetic.noise=-1"}, ".data.synthetic.noise", "expected a number >= 0, got -1"},
      {{"data.synthetic.size=5"}, ".data.synthetic.size", "unknown key \"size\""},
      {{"data.synthetic=7"}, ".data.synthetic", "expected an object"},
      {{"data.normalize.mean=[0.1,0.2]"}, ".data.normalize.mean",
       "expected 1 value (one per channel: synthetic.shape[0] has 1), got 2"},
      {{"data.synthetic.shape=[3,4,4]", "data.normalize.std=[1]"}, ".data.normalize.std",
       "expected 3 values (one per channel: synthetic.shape[0] has 3), got 1"},
      {{"data.normalize.std=[0]"}, ".data.normalize.std[0]", "expected a number > 0, got 0"},
      {{"data.normalize.mean=0.5"}, ".data.normalize.mean", "expected an array of numbers"},
      {{"data.normalize.median=[1]"}, ".data.normalize.median", "unknown key \"median\""},
      {{"data.normalize=[1]"}, ".data.normalize", "expected an object"},
      {{"data.dataset=mnist", "data.synthetic=null", "data.normalize.std=[0.3,0.3,0.3]"},
       ".data.normalize.std", "expected 1 value (one per channel: mnist has 1), got 3"},
      {{"data.dataset=cifar10", "data.synthetic=null", "data.normalize.mean=[0.5]"},
       ".data.normalize.mean", "expected 3 values (one per channel: cifar10 has 3), got 1"},
      {{"data.partition=random"}, ".data.partition",
       "expected one of \"iid\", \"by_dataset\", \"dirichlet\", got \"random\""},
      {{"data.dirichlet_alpha=0.3"}, ".data.dirichlet_alpha",
       "applies only when \"partition\" is \"dirichlet\", not \"iid\""},
      {{"data.partition=dirichlet", "data.dirichlet_alpha=0"}, ".data.dirichlet_alpha",
       "expected a number > 0, got 0"},
      {{"data.second={\"dataset\":\"synthetic\"}"}, ".data.second",
       "applies only when \"partition\" is \"by_dataset\", not \"iid\""},
      {{"data.partition=by_dataset"}, ".data.second",
       "missing required key: expected an object, e.g. {\"dataset\": \"mnist\"} (needed when "
       "\"partition\" is \"by_dataset\")"},
      {{"data.partition=by_dataset", "data.second={\"dataset\":\"cifar\"}"},
       ".data.second.dataset", "did you mean \"cifar10\"?"},
      {{"data.partition=by_dataset", "data.second=5"}, ".data.second", "expected an object"},
      {{"data.partition=by_dataset", "data.second={\"dataset\":\"synthetic\",\"batch_size\":3}"},
       ".data.second.batch_size", "unknown key \"batch_size\""},
      {{"data.partition=by_dataset", "data.second={\"dataset\":\"synthetic\",\"path\":\"x\"}"},
       ".data.second.path", "\"path\" applies only when \"dataset\" is"},
      {{"workers=1", "data.partition=by_dataset", "data.second={\"dataset\":\"synthetic\"}"},
       ".data.partition", "needs workers >= 2"},
      {{"data.batch_size=0"}, ".data.batch_size", "expected an integer in 1..1000000, got 0"},
      {{"data.augment.crop_padding=-1"}, ".data.augment.crop_padding",
       "expected an integer in 0..1024, got -1"},
      {{"data.augment.horizontal_flip=\"yes\""}, ".data.augment.horizontal_flip",
       "expected true or false, got \"yes\" (a string)"},
      {{"data.augment.rotate=15"}, ".data.augment.rotate",
       "unknown key \"rotate\"; did you mean \"rotation_degrees\""},
      {{"data.augment.flip=true"}, ".data.augment.flip", "did you mean \"horizontal_flip\"?"},
      {{"data.augment.rotation_degrees=-1"}, ".data.augment.rotation_degrees",
       "expected a number in [0, 180], got -1"},
      {{"data.augment.rotation_degrees=180.5"}, ".data.augment.rotation_degrees",
       "expected a number in [0, 180], got 180.5"},
      {{"data.augment.rotation_degrees=\"15deg\""}, ".data.augment.rotation_degrees",
       "got \"15deg\" (a string)"},
      {{"data.b=10"}, ".data.b", "did you mean \"batch_size\" (the paper's b)?"},
      {{"data.workers=3"}, ".data.workers", "top-level key"},
      {{"data.batch_size=200"}, ".data.batch_size",
       "workers 4 x batch_size 200 = 800 samples per iteration, but synthetic has only 640 "
       "training samples"},
      {{"data.partition=by_dataset",
        "data.second={\"dataset\":\"synthetic\",\"synthetic\":{\"train_size\":10}}"},
       ".data.batch_size", "the odd workers need 2 x batch_size 8 = 16 samples per iteration"},
      {{"workers=3", "data.synthetic.train_size=12", "data.partition=by_dataset",
        "data.second={\"dataset\":\"synthetic\"}"},
       ".data.batch_size", "the even workers need 2 x batch_size 8 = 16 samples per iteration, "
                           "but synthetic has only 12 training samples"},
      {{"model=resnet18", "data.batch_size=1"}, ".data.batch_size",
       "model \"resnet18\" has BatchNorm layers, which need batch_size >= 2"},
  });
}

TEST(ScenarioParser, TrainErrors) {
  const std::string step = "train.lr_schedule={\"type\":\"step\",";
  expect_all({
      {{"train={\"iterations\":10,\"epochs\":5,\"lr\":0.05}"}, ".train",
       "give either \"iterations\" or \"epochs\", not both"},
      {{"train.iterations=null"}, ".train", "missing the training length"},
      {{"train.iterations=0"}, ".train.iterations", "expected an integer >= 1, got 0"},
      {{"train.iterations=null", "train.epochs=0"}, ".train.epochs",
       "expected a number in (0, 1000000], got 0"},
      {{"train.lr=null"}, ".train.lr", "missing required key: expected a number > 0, e.g. 0.005"},
      {{"train.lr=0"}, ".train.lr", "expected a number > 0, got 0"},
      {{"train.lr=fast"}, ".train.lr", "expected a number > 0, got \"fast\" (a string)"},
      {{"train.lr_schedule=cosine"}, ".train.lr_schedule.type",
       "expected one of \"constant\", \"step\", got \"cosine\""},
      {{"train.lr_schedule=step"}, ".train.lr_schedule.milestones", "missing required key"},
      {{step + "\"milestones\":[30,20]}"}, ".train.lr_schedule.milestones[1]",
       "milestones must increase: 20 follows 30"},
      {{step + "\"milestones\":[20,20]}"}, ".train.lr_schedule.milestones[1]",
       "milestones must increase"},
      {{step + "\"milestones\":[]}"}, ".train.lr_schedule.milestones",
       "expected at least one milestone"},
      {{step + "\"milestones\":[0]}"}, ".train.lr_schedule.milestones[0]",
       "expected a number in (0, 1000000], got 0"},
      {{step + "\"milestones\":20}"}, ".train.lr_schedule.milestones",
       "expected an array of numbers"},
      {{step + "\"milestones\":[20],\"gamma\":0}"}, ".train.lr_schedule.gamma",
       "expected a number in (0, 1], got 0"},
      {{step + "\"milestones\":[20],\"gamma\":1.5}"}, ".train.lr_schedule.gamma", "got 1.5"},
      {{step + "\"milestones\":[20],\"warmup\":1}"}, ".train.lr_schedule.warmup", "unknown key"},
      {{"train.lr_schedule={\"type\":\"constant\",\"milestones\":[20]}"},
       ".train.lr_schedule.milestones",
       "\"milestones\" applies only when \"type\" is \"step\", not \"constant\"; remove it or set "
       "\"type\": \"step\""},
      {{"train.lr_schedule={\"gamma\":0.5}"}, ".train.lr_schedule.gamma",
       "\"gamma\" applies only when \"type\" is \"step\""},
      {{"train.lr_schedule=5"}, ".train.lr_schedule", "expected an object"},
      {{"train.eval_every=0"}, ".train.eval_every", "expected an integer >= 1, got 0"},
      {{"train.eval_batch_size=0"}, ".train.eval_batch_size", "expected an integer in 1..1000000"},
      {{"train.target_accuracy=0"}, ".train.target_accuracy", "expected a number in (0, 100], got 0"},
      {{"train.target_accuracy=101"}, ".train.target_accuracy", "got 101"},
      {{"train.target_top5=true"}, ".train.target_top5", "there is no target_accuracy"},
      {{"train.target_top5=1"}, ".train.target_top5", "expected true or false, got 1"},
      {{"train.alpha=0.1"}, ".train.alpha", "did you mean \"lr\" (the paper's alpha)?"},
      {{"train.epoch=3"}, ".train.epoch", "did you mean \"epochs\"?"},
      {{"train.batch_size=3"}, ".train.batch_size", "did you mean \"data.batch_size\"?"},
  });
}

TEST(ScenarioParser, AlgorithmErrors) {
  expect_all({
      {{"algorithms=[]"}, ".algorithms", "expected at least one algorithm, got an empty list"},
      {{"algorithms=sasg"}, ".algorithms", "expected a list of algorithms"},
      {{"algorithms.4=5"}, ".algorithms[4]", "expected an algorithm name (\"sgd\""},
      {{"algorithms.4=sasgd"}, ".algorithms[4]", "did you mean \"sasg\"?"},
      {{"algorithms.4={\"density\":0.1}"}, ".algorithms[4].name", "missing required key"},
      {{"algorithms.4={\"name\":\"adam\"}"}, ".algorithms[4].name",
       "expected one of \"sgd\", \"sparse\", \"lasg\", \"sasg\", \"composed\", got \"adam\""},
      {{"algorithms.4={\"name\":\"sasg\",\"label\":\"a b\"}"}, ".algorithms[4].label",
       "expected a label of letters, digits"},
      {{"algorithms.4={\"name\":\"sasg\",\"label\":3}"}, ".algorithms[4].label",
       "expected a string"},
      {{"algorithms.4=sasg"}, ".algorithms[4]",
       "duplicate label \"sasg\" (also used by .algorithms[3]); give each algorithm a distinct"},
      {{"algorithms.4={\"name\":\"lasg\",\"label\":\"sgd\"}"}, ".algorithms[4].label",
       "duplicate label \"sgd\" (also used by .algorithms[0])"},
      {{"algorithms.0.density=0.1"}, ".algorithms[0].density",
       "\"density\" applies only to sparse and sasg, not to sgd; remove it"},
      {{"algorithms.2.topk_scope=global"}, ".algorithms[2].topk_scope",
       "applies only to sparse and sasg, not to lasg"},
      {{"algorithms.1.D=5"}, ".algorithms[1].D", "\"D\" applies only to lasg, sasg and composed, not to sparse"},
      {{"algorithms.0.kappa=1"}, ".algorithms[0].kappa", "applies only to lasg, sasg and composed, not to sgd"},
      {{"algorithms.1.c_factor=1"}, ".algorithms[1].c_factor", "applies only to lasg, sasg and composed"},
      {{"algorithms.1.threshold_lr=lagged"}, ".algorithms[1].threshold_lr",
       "applies only to lasg, sasg and composed"},
      {{"algorithms.1.xi=1"}, ".algorithms[1].xi", "applies only to lasg, sasg and composed"},
      {{"algorithms.3.density=0"}, ".algorithms[3].density", "expected a number in (0, 1], got 0"},
      {{"algorithms.1.density=1.5"}, ".algorithms[1].density", "got 1.5"},
      {{"algorithms.3.topk_scope=flat"}, ".algorithms[3].topk_scope",
       "expected one of \"per_tensor\", \"global\", got \"flat\""},
      {{"algorithms.3.D=0"}, ".algorithms[3].D", "expected an integer in 1..1000000, got 0"},
      {{"algorithms.3.kappa=0"}, ".algorithms[3].kappa", "expected a number > 0, got 0"},
      {{"algorithms.2.c_factor=-1"}, ".algorithms[2].c_factor", "expected a number > 0, got -1"},
      {{"algorithms.3.threshold_lr=old"}, ".algorithms[3].threshold_lr",
       "expected one of \"current\", \"lagged\", got \"old\""},
      {{"algorithms.3.xi=0.5", "algorithms.3.kappa=2"}, ".algorithms[3].xi",
       "give either \"xi\" or \"kappa\"/\"c_factor\"/\"threshold_lr\", not both (found \"kappa\")"},
      {{"algorithms.2.xi=0", "algorithms.2.c_factor=1", "algorithms.2.threshold_lr=current"},
       ".algorithms[2].xi", "not both (found \"c_factor\", \"threshold_lr\")"},
      {{"algorithms.2.xi=[1,2]"}, ".algorithms[2].xi",
       "expected a number or D-1 = 9 values (D = 10), got 2 values"},
      {{"algorithms.3.D=3", "algorithms.3.xi=[1]"}, ".algorithms[3].xi",
       "D-1 = 2 values (D = 3), got 1 value"},
      {{"algorithms.3.xi=-1"}, ".algorithms[3].xi", "expected a number >= 0, got -1"},
      {{"algorithms.3.D=2", "algorithms.3.xi=[-1]"}, ".algorithms[3].xi[0]",
       "expected a number >= 0, got -1"},
      {{"algorithms.3.xi=\"big\""}, ".algorithms[3].xi", "expected an array of numbers"},
      {{"algorithms.3.D=1", "algorithms.3.xi=0.5"}, ".algorithms[3].xi",
       "xi has D-1 = 0 terms with D = 1"},
      {{"algorithms.3.h=0.01"}, ".algorithms[3].h", "did you mean \"density\" (the paper's h)?"},
      {{"algorithms.3.c=1"}, ".algorithms[3].c", "did you mean \"c_factor\""},
      {{"algorithms.3.densty=0.1"}, ".algorithms[3].densty", "did you mean \"density\"?"},
  });
}

TEST(ScenarioParser, NetworkErrors) {
  expect_all({
      {{"network.backend=omnet"}, ".network.backend",
       "expected one of \"ns3\", \"analytic\", got \"omnet\""},
      {{"network.backend=ns-3"}, ".network.backend", "did you mean \"ns3\"?"},
      {{"network.backend=3"}, ".network.backend", "got 3 (a number)"},
      {{"network.bandwidth=fast"}, ".network.bandwidth",
       "expected a rate like \"1Gbps\" or \"100Mbps\", got \"fast\""},
      {{"network.bandwidth=1000000000"}, ".network.bandwidth",
       "expected a rate like \"1Gbps\" or \"100Mbps\", got 1000000000 (a number)"},
      {{"network.bandwidth=0Gbps"}, ".network.bandwidth", "a rate must be positive"},
      {{"network.bandwidth=10Gbit"}, ".network.bandwidth", "unknown unit \"Gbit\""},
      {{"network.latency=soon"}, ".network.latency",
       "expected a time like \"0.1ms\" or \"5us\", got \"soon\""},
      {{"network.latency=-1ms"}, ".network.latency", "negative value"},
      {{"network.latency=0.001"}, ".network.latency", "got 0.001 (a number)"},
      {{"network.schedule=parallel"}, ".network.schedule",
       "expected one of \"sequential\", \"concurrent\", got \"parallel\""},
      {{"network.bandwith=1Gbps"}, ".network.bandwith",
       "unknown key \"bandwith\"; did you mean \"bandwidth\"?"},
      {{"network.per_worker=[1]"}, ".network.per_worker", "expected an object keyed by worker index"},
      {{"network.per_worker.x.bandwidth=1Gbps"}, ".network.per_worker.x",
       "expected a worker index (a decimal integer such as \"3\") as the key, got \"x\""},
      {{"network.per_worker.03.bandwidth=1Gbps"}, ".network.per_worker.03",
       "expected a worker index"},
      {{"network.per_worker.4.bandwidth=1Gbps"}, ".network.per_worker.4",
       "worker 4 does not exist: workers is 4 (indices 0..3)"},
      {{"network.per_worker.3.bandwidth=slow"}, ".network.per_worker.3.bandwidth",
       "expected a rate like"},
      {{"network.per_worker.3.latency=1"}, ".network.per_worker.3.latency", "expected a time like"},
      {{"network.per_worker.3.delay=1ms"}, ".network.per_worker.3.delay", "unknown key \"delay\""},
      {{"network.per_worker.3=fast"}, ".network.per_worker.3", "expected an object"},
  });
}

// ---- network: ns3 and analytic backends, topology, transport ----

json with_network(const std::string& network) {
  json doc = base_scenario();
  doc["network"] = json::parse(network);
  return doc;
}

TEST(ScenarioParser, NetworkServerLinkDefaultsToTheNetworkBandwidthAndZeroLatency) {
  const Scenario s = parse_scenario(
      with_network(R"({"bandwidth": "10Gbps", "latency": "1ms", "topology": "switch"})"), "s");
  EXPECT_EQ(s.network.topology, TopologyKind::kSwitch);
  EXPECT_EQ(s.network.server_link.rate_bps, 1e10);
  EXPECT_EQ(s.network.server_link.latency_s, 0.0);
  EXPECT_EQ(s.resolved["network"]["server_link"],
            json::parse(R"({"latency": "0s"})"));
  // Either key alone leaves the other at its default.
  const Scenario latency_only = parse_scenario(
      with_network(R"({"bandwidth": "100Mbps", "topology": "switch",
                       "server_link": {"latency": "2ms"}})"), "s");
  EXPECT_EQ(latency_only.network.server_link.rate_bps, 1e8);
  EXPECT_EQ(latency_only.network.server_link.latency_s, 2e-3);
  const Scenario rate_only = parse_scenario(
      with_network(R"({"topology": "switch", "server_link": {"bandwidth": "40Gbps"}})"), "s");
  EXPECT_EQ(rate_only.network.server_link.rate_bps, 4e10);
  EXPECT_EQ(rate_only.network.server_link.latency_s, 0.0);
}

TEST(ScenarioParser, NetworkNs3KeysAreParsed) {
  const Scenario s = parse_scenario(with_network(R"({
      "backend": "ns3", "fidelity": "exact", "bandwidth": "1Gbps", "latency": "10ms",
      "schedule": "concurrent", "topology": "switch",
      "server_link": {"bandwidth": "10Gbps", "latency": "1ms"}, "downlink": true,
      "transport": {"congestion_control": "TcpCubic", "segment_size": 536,
                    "send_buffer": 2500000, "receive_buffer": 3000000},
      "queue_packets": 1000,
      "ns3_attributes": {"ns3::TcpSocketBase::MinRto": "200ms",
                         "ns3::TcpSocket::InitialCwnd": 10,
                         "ns3::TcpSocketBase::Sack": false,
                         "ns3::RttEstimator::InitialEstimation": 0.5,
                         "ns3::olsr::RoutingProtocol::HelloInterval": "2s"}})"),
                                    "ns3.json");
  const NetworkOptions& n = s.network;
  EXPECT_EQ(n.backend, NetworkBackendKind::kNs3);
  EXPECT_EQ(n.fidelity, FidelityKind::kExact);
  EXPECT_EQ(n.schedule, ScheduleKind::kConcurrent);
  EXPECT_EQ(n.link.latency_s, 1e-2);
  EXPECT_EQ(n.topology, TopologyKind::kSwitch);
  EXPECT_EQ(n.server_link.rate_bps, 1e10);
  EXPECT_EQ(n.server_link.latency_s, 1e-3);
  EXPECT_TRUE(n.downlink);
  EXPECT_EQ(n.transport.congestion_control, "TcpCubic");
  EXPECT_EQ(n.transport.segment_size_bytes, 536);
  EXPECT_EQ(n.transport.send_buffer_bytes, 2500000);
  EXPECT_EQ(n.transport.receive_buffer_bytes, 3000000);
  EXPECT_EQ(n.queue_packets, 1000);
  EXPECT_EQ(n.memo_warmup, 2);
  // Values are kept as the strings ns-3 parses: numbers as JSON writes them, booleans by name.
  const std::map<std::string, std::string> attributes = {
      {"ns3::TcpSocketBase::MinRto", "200ms"},
      {"ns3::TcpSocket::InitialCwnd", "10"},
      {"ns3::TcpSocketBase::Sack", "false"},
      {"ns3::RttEstimator::InitialEstimation", "0.5"},
      {"ns3::olsr::RoutingProtocol::HelloInterval", "2s"}};
  EXPECT_EQ(n.ns3_attributes, attributes);
}

TEST(ScenarioParser, NetworkMemoWarmupAndLimits) {
  const Scenario zero = parse_scenario(with_network(R"({"memo_warmup": 0})"), "s");
  EXPECT_EQ(zero.network.fidelity, FidelityKind::kMemo);
  EXPECT_EQ(zero.network.memo_warmup, 0);
  const Scenario limits = parse_scenario(with_network(R"({
      "fidelity": "memo", "memo_warmup": 5, "queue_packets": 1,
      "transport": {"segment_size": 65000, "send_buffer": 65000,
                    "receive_buffer": 4294967295}})"), "s");
  EXPECT_EQ(limits.network.memo_warmup, 5);
  EXPECT_EQ(limits.network.queue_packets, 1);
  EXPECT_EQ(limits.network.transport.segment_size_bytes, 65000);
  EXPECT_EQ(limits.network.transport.send_buffer_bytes, 65000);
  EXPECT_EQ(limits.network.transport.receive_buffer_bytes, 4294967295);
  // A buffer of exactly one default segment is enough.
  const Scenario one_segment =
      parse_scenario(with_network(R"({"transport": {"send_buffer": 1448}})"), "s");
  EXPECT_EQ(one_segment.network.transport.send_buffer_bytes, 1448);
  EXPECT_EQ(one_segment.network.transport.receive_buffer_bytes, 6291456);  // linux profile
}

TEST(ScenarioParser, NetworkKeysSharedByBothBackendsAreValidWithAnalytic) {
  const Scenario s = parse_scenario(with_network(R"({
      "backend": "analytic", "schedule": "concurrent", "topology": "switch",
      "server_link": {"bandwidth": "10Gbps", "latency": "5us"}, "downlink": true,
      "per_worker": {"3": {"bandwidth": "100Mbps", "latency": "5ms"}}})"), "a.json");
  EXPECT_EQ(s.network.backend, NetworkBackendKind::kAnalytic);
  EXPECT_EQ(s.network.topology, TopologyKind::kSwitch);
  EXPECT_EQ(s.network.server_link.rate_bps, 1e10);
  EXPECT_EQ(s.network.server_link.latency_s, 5e-6);
  EXPECT_TRUE(s.network.downlink);
  EXPECT_EQ(s.network.link_of(3).rate_bps, 1e8);
}

TEST(ScenarioParser, NetworkNs3SwitchScenarioRoundTripsThroughResolved) {
  const Scenario a = parse_scenario(with_network(R"({
      "bandwidth": "1Gbps", "latency": "50us", "schedule": "concurrent",
      "per_worker": {"3": {"bandwidth": "100Mbps", "latency": "5ms"}},
      "topology": "switch", "server_link": {"bandwidth": "2.5Gbps", "latency": "10us"},
      "downlink": true,
      "transport": {"congestion_control": "TcpNewReno", "segment_size": 1000,
                    "send_buffer": 262144, "receive_buffer": 524288},
      "queue_packets": 64, "queue_discipline": "fq_codel", "memo_warmup": 3,
      "ns3_attributes": {"ns3::TcpSocketBase::ReTxThreshold": 4,
                         "ns3::TcpSocketBase::Sack": false}})"), "sw.json");
  EXPECT_EQ(a.resolved["network"], json::parse(R"({
      "backend": "ns3", "fidelity": "memo", "bandwidth": "1Gbps", "latency": "50us",
      "schedule": "concurrent",
      "per_worker": {"3": {"bandwidth": "100Mbps", "latency": "5ms"}},
      "topology": "switch", "server": "dedicated",
      "server_link": {"bandwidth": "2.5Gbps", "latency": "10us"}, "framing_bytes": 38,
      "costs": {"rendezvous_bytes": 48, "send_per_message": "20us", "send_rate": "16Gbps",
                "receive_per_message": "20us", "receive_rate": "16Gbps",
                "aggregation_rate": "32Gbps"},
      "loss": {"rate": 0.0, "burst_packets": 1}, "downlink": true,
      "transport": {"profile": "linux", "congestion_control": "TcpNewReno",
                    "segment_size": 1000, "send_buffer": 262144, "receive_buffer": 524288,
                    "min_rto": "0.2s", "delayed_ack_timeout": "40ms", "delayed_ack_count": 2,
                    "initial_window": 10},
      "queue_packets": 64, "queue_discipline": "fq_codel", "memo_warmup": 3,
      "ns3_attributes": {"ns3::TcpSocketBase::ReTxThreshold": "4",
                         "ns3::TcpSocketBase::Sack": "false"}})"));
  test::expect_same(a, parse_scenario(a.resolved, "resolved.json"));
  test::expect_same(a, parse_scenario(json::parse(a.resolved.dump(2)), "manifest.json"));

  // exact fidelity: no memo_warmup in the resolved form, and it still parses back the same.
  json exact = a.resolved;
  exact["network"]["fidelity"] = "exact";
  exact["network"].erase("memo_warmup");
  const Scenario b = parse_scenario(exact, "exact.json");
  EXPECT_EQ(b.network.fidelity, FidelityKind::kExact);
  EXPECT_FALSE(b.resolved["network"].contains("memo_warmup"));
  EXPECT_EQ(b.resolved["network"]["fidelity"], "exact");
  test::expect_same(b, parse_scenario(b.resolved, "resolved.json"));
}

TEST(ScenarioParser, NetworkAnalyticScenarioRoundTripsWithoutNs3Keys) {
  const Scenario a = parse_scenario(with_network(R"({
      "backend": "analytic", "bandwidth": "100Mbps", "latency": "1ms",
      "schedule": "sequential", "topology": "switch", "downlink": true})"), "an.json");
  EXPECT_EQ(a.resolved["network"], json::parse(R"({
      "backend": "analytic", "bandwidth": "100Mbps", "latency": "1ms",
      "schedule": "sequential", "per_worker": {}, "topology": "switch", "server": "dedicated",
      "server_link": {"latency": "0s"},
      "costs": {"rendezvous_bytes": 48, "send_per_message": "20us", "send_rate": "16Gbps",
                "receive_per_message": "20us", "receive_rate": "16Gbps",
                "aggregation_rate": "32Gbps"}, "downlink": true})"));
  test::expect_same(a, parse_scenario(a.resolved, "resolved.json"));

  const Scenario direct =
      parse_scenario(with_network(R"({"backend": "analytic", "latency": "2ms",
                                      "topology": "direct"})"), "d.json");
  EXPECT_EQ(direct.resolved["network"], json::parse(R"({
      "backend": "analytic", "bandwidth": "1Gbps", "latency": "2ms",
      "schedule": "sequential", "per_worker": {}, "topology": "direct", "server": "dedicated",
      "costs": {"rendezvous_bytes": 48, "send_per_message": "20us", "send_rate": "16Gbps",
                "receive_per_message": "20us", "receive_rate": "16Gbps",
                "aggregation_rate": "32Gbps"}, "downlink": false})"));
  test::expect_same(direct, parse_scenario(direct.resolved, "resolved.json"));
}

TEST(ScenarioParser, NetworkKeysCanBeSetFromTheCommandLine) {
  TempDir tmp;
  const fs::path file = tmp.write("s.json", base_scenario().dump(2));
  const Scenario s = load_scenario(
      file.string(), {"network.fidelity=exact", "network.ns3_attributes.ns3::TcpSocket::InitialCwnd=10",
                      "network.ns3_attributes.ns3::TcpSocketBase::MinRto=200ms",
                      "network.transport.congestion_control=TcpBic", "network.topology=switch",
                      "network.server_link.bandwidth=10Gbps", "network.downlink=true"});
  EXPECT_EQ(s.network.fidelity, FidelityKind::kExact);
  EXPECT_EQ(s.network.ns3_attributes.at("ns3::TcpSocket::InitialCwnd"), "10");
  EXPECT_EQ(s.network.ns3_attributes.at("ns3::TcpSocketBase::MinRto"), "200ms");
  EXPECT_EQ(s.network.transport.congestion_control, "TcpBic");
  EXPECT_EQ(s.network.server_link.rate_bps, 1e10);
  EXPECT_TRUE(s.network.downlink);
  EXPECT_EQ(s.resolved["network"]["ns3_attributes"]["ns3::TcpSocket::InitialCwnd"], "10");
}

TEST(ScenarioParser, NetworkNs3Errors) {
  const std::string only_ns3 =
      "applies only when \"backend\" is \"ns3\", not \"analytic\"; remove it or set \"backend\": "
      "\"ns3\"";
  const std::string cc_name = "expected an ns-3 congestion control name: \"Tcp\" followed by "
                              "letters and digits, e.g. \"TcpCubic\" or \"TcpNewReno\", got ";
  const std::string attribute_name = "expected an ns-3 attribute name \"ns3::<Type>::<Attribute>\", "
                                     "e.g. \"ns3::TcpSocketBase::MinRto\", got ";
  expect_all({
      // fidelity
      {{"network.fidelity=fast"}, ".network.fidelity",
       "expected one of \"memo\", \"exact\", got \"fast\""},
      {{"network.fidelity=true"}, ".network.fidelity", "got true (a boolean)"},
      {{"network.fidelity=exakt"}, ".network.fidelity", "did you mean \"exact\"?"},
      // topology and server_link
      {{"network.topology=star"}, ".network.topology",
       "expected one of \"direct\", \"switch\", got \"star\""},
      {{"network.topology=swtich"}, ".network.topology", "did you mean \"switch\"?"},
      {{"network.topology=direct", "network.server_link.bandwidth=1Gbps"}, ".network.server_link",
       "\"server_link\" applies only when \"topology\" is \"switch\", not \"direct\"; remove it "
       "or set \"topology\": \"switch\""},
      {{"network.topology=direct", "network.server_link.latency=1ms"}, ".network.server_link",
       "applies only when \"topology\" is \"switch\""},
      {{"network.topology=switch", "network.server_link=5"}, ".network.server_link",
       "expected an object {...}, got 5 (a number)"},
      {{"network.topology=switch", "network.server_link.bandwidth=fast"},
       ".network.server_link.bandwidth", "expected a rate like \"1Gbps\" or \"100Mbps\", got \"fast\""},
      {{"network.topology=switch", "network.server_link.bandwidth=0Mbps"},
       ".network.server_link.bandwidth", "a rate must be positive"},
      {{"network.topology=switch", "network.server_link.latency=-1ms"},
       ".network.server_link.latency", "negative value"},
      {{"network.topology=switch", "network.server_link.delay=1ms"},
       ".network.server_link.delay", "unknown key \"delay\"; did you mean \"latency\"?"},
      // downlink
      {{"network.downlink=1"}, ".network.downlink", "expected true or false, got 1 (a number)"},
      {{"network.downlink=yes"}, ".network.downlink", "got \"yes\" (a string)"},
      // transport
      {{"network.transport=tcp"}, ".network.transport", "expected an object {...}, got \"tcp\""},
      {{"network.transport.congestion_control=cubic"}, ".network.transport.congestion_control",
       cc_name + "\"cubic\""},
      {{"network.transport.congestion_control=Tcp"}, ".network.transport.congestion_control",
       cc_name + "\"Tcp\""},
      {{"network.transport.congestion_control=Tcp-Cubic"}, ".network.transport.congestion_control",
       cc_name + "\"Tcp-Cubic\""},
      {{"network.transport.congestion_control=ns3::TcpCubic"},
       ".network.transport.congestion_control", "; write it without \"ns3::\": \"TcpCubic\""},
      {{"network.transport.congestion_control=5"}, ".network.transport.congestion_control",
       "expected a string, got 5 (a number)"},
      {{"network.transport.segment_size=0"}, ".network.transport.segment_size",
       "expected an integer in 1..65000, got 0"},
      {{"network.transport.segment_size=65001"}, ".network.transport.segment_size", "got 65001"},
      {{"network.transport.segment_size=1.5"}, ".network.transport.segment_size", "got 1.5"},
      {{"network.transport.segment_size=\"1448\""}, ".network.transport.segment_size",
       "got \"1448\" (a string)"},
      {{"network.transport.send_buffer=0"}, ".network.transport.send_buffer",
       "expected an integer in 1..4294967295, got 0"},
      {{"network.transport.receive_buffer=4294967296"}, ".network.transport.receive_buffer",
       "expected an integer in 1..4294967295, got 4294967296"},
      {{"network.transport.send_buffer=1000"}, ".network.transport.send_buffer",
       "send_buffer (1000 bytes) is smaller than segment_size (1448 bytes, the default); raise "
       "send_buffer or lower segment_size"},
      {{"network.transport.segment_size=9000", "network.transport.receive_buffer=8192"},
       ".network.transport.receive_buffer",
       "receive_buffer (8192 bytes) is smaller than segment_size (9000 bytes); raise "
       "receive_buffer or lower segment_size"},
      // An invalid segment size is not compared with the buffers.
      {{"network.transport.segment_size=0", "network.transport.send_buffer=100"},
       ".network.transport.segment_size", "expected an integer in 1..65000"},
      {{"network.transport.mss=1000"}, ".network.transport.mss",
       "unknown key \"mss\"; did you mean \"segment_size\" (the TCP MSS)?"},
      {{"network.transport.SndBufSize=1000000"}, ".network.transport.SndBufSize",
       "did you mean \"send_buffer\" (ns-3's SndBufSize)?"},
      {{"network.transport.recieve_buffer=1000000"}, ".network.transport.recieve_buffer",
       "did you mean \"receive_buffer\"?"},
      // queue_packets and memo_warmup
      {{"network.queue_packets=0"}, ".network.queue_packets",
       "expected an integer in 1..4294967295, got 0"},
      {{"network.queue_packets=\"100p\""}, ".network.queue_packets", "got \"100p\" (a string)"},
      {{"network.memo_warmup=-1"}, ".network.memo_warmup", "expected an integer >= 0, got -1"},
      {{"network.memo_warmup=0.5"}, ".network.memo_warmup", "got 0.5"},
      {{"network.fidelity=exact", "network.memo_warmup=3"}, ".network.memo_warmup",
       "\"memo_warmup\" applies only when \"fidelity\" is \"memo\", not \"exact\"; remove it or set "
       "\"fidelity\": \"memo\""},
      // ns3_attributes
      {{"network.ns3_attributes=[1]"}, ".network.ns3_attributes",
       "expected an object mapping ns-3 attribute names to values, e.g. "
       "{\"ns3::TcpSocketBase::MinRto\": \"200ms\"}, got [1]"},
      {{"network.ns3_attributes=MinRto"}, ".network.ns3_attributes",
       "got \"MinRto\" (a string)"},
      {{"network.ns3_attributes.MinRto=1"}, ".network.ns3_attributes.MinRto",
       attribute_name + "\"MinRto\""},
      {{"network.ns3_attributes.TcpSocketBase::MinRto=200ms"},
       ".network.ns3_attributes[\"TcpSocketBase::MinRto\"]",
       attribute_name + "\"TcpSocketBase::MinRto\"; did you mean \"ns3::TcpSocketBase::MinRto\"?"},
      {{"network.ns3_attributes.ns3::TcpSocketBase=1"},
       ".network.ns3_attributes[\"ns3::TcpSocketBase\"]", attribute_name},
      {{"network.ns3_attributes.ns3::TcpSocketBase::=1"},
       ".network.ns3_attributes[\"ns3::TcpSocketBase::\"]", attribute_name},
      {{"network.ns3_attributes.ns3::Tcp Socket::MinRto=1"},
       ".network.ns3_attributes[\"ns3::Tcp Socket::MinRto\"]", attribute_name},
      {{"network.ns3_attributes.ns4::TcpSocket::InitialCwnd=1"},
       ".network.ns3_attributes[\"ns4::TcpSocket::InitialCwnd\"]", attribute_name},
      {{"network.ns3_attributes.ns3::TcpSocket::InitialCwnd=[10]"},
       ".network.ns3_attributes[\"ns3::TcpSocket::InitialCwnd\"]",
       "expected a string, number or boolean (the value as ns-3 writes it, e.g. \"200ms\" or 10), "
       "got [10]"},
      {{"network.ns3_attributes.ns3::TcpSocket::InitialCwnd={\"a\":1}"},
       ".network.ns3_attributes[\"ns3::TcpSocket::InitialCwnd\"]",
       "expected a string, number or boolean"},
      {{"network.ns3_attributes.ns3::TcpSocketBase::MinRto=caf\xe9"},
       ".network.ns3_attributes[\"ns3::TcpSocketBase::MinRto\"]",
       "expected UTF-8 text, got bytes that are not UTF-8"},
      // keys of the ns3 backend with backend "analytic": each one issue, the value unchecked
      {{"network.backend=analytic", "network.fidelity=exact"}, ".network.fidelity",
       "\"fidelity\" " + only_ns3},
      {{"network.backend=analytic", "network.fidelity=fast"}, ".network.fidelity", only_ns3},
      {{"network.backend=analytic", "network.transport.congestion_control=TcpCubic"},
       ".network.transport", "\"transport\" " + only_ns3},
      {{"network.backend=analytic", "network.transport=5"}, ".network.transport", only_ns3},
      {{"network.backend=analytic", "network.queue_packets=100"}, ".network.queue_packets",
       "\"queue_packets\" " + only_ns3},
      {{"network.backend=analytic", "network.memo_warmup=2"}, ".network.memo_warmup",
       "\"memo_warmup\" " + only_ns3},
      {{"network.backend=analytic", "network.ns3_attributes={}"}, ".network.ns3_attributes",
       "\"ns3_attributes\" " + only_ns3},
      // misplaced keys
      {{"network.congestion_control=TcpCubic"}, ".network.congestion_control",
       "did you mean \"transport.congestion_control\"?"},
      {{"network.mss=1000"}, ".network.mss", "did you mean \"transport.segment_size\" (the TCP MSS)?"},
      {{"network.attributes={}"}, ".network.attributes", "did you mean \"ns3_attributes\"?"},
      {{"network.topolgy=switch"}, ".network.topolgy", "did you mean \"topology\"?"},
      {{"network.downlinks=true"}, ".network.downlinks", "did you mean \"downlink\"?"},
      {{"topology=switch"}, ".topology", "did you mean \"network.topology\"?"},
      {{"fidelity=exact"}, ".fidelity", "did you mean \"network.fidelity\"?"},
  });
}

TEST(ScenarioParser, NetworkAttributeValueNullIsAnError) {
  json doc = base_scenario();
  doc["network"]["ns3_attributes"] = {{"ns3::TcpSocket::InitialCwnd", nullptr}};
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".network.ns3_attributes[\"ns3::TcpSocket::InitialCwnd\"]",
                        "expected a string, number or boolean (the value as ns-3 writes it, "
                        "e.g. \"200ms\" or 10), got null"))
      << describe(issues);
  EXPECT_EQ(issues.size(), 1u) << describe(issues);
}

TEST(ScenarioParser, NetworkKeysOfAnInvalidBackendAreStillChecked) {
  json doc = base_scenario();
  apply_override(doc, "network.backend=omnet");
  apply_override(doc, "network.fidelity=fast");
  apply_override(doc, "network.transport.segment_size=0");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".network.backend", "got \"omnet\"")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".network.fidelity", "got \"fast\"")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".network.transport.segment_size", "got 0")) << describe(issues);
  EXPECT_EQ(issues.size(), 3u) << describe(issues);
}

TEST(ScenarioParser, NetworkContradictionsAreAllReported) {
  // One issue per contradicting key, so that a user fixes them all in one pass.
  json doc = base_scenario();
  doc["network"] = json::parse(R"({"backend": "analytic", "fidelity": "exact",
      "transport": {}, "queue_packets": 10, "memo_warmup": 1, "ns3_attributes": {},
      "topology": "direct", "server_link": {"bandwidth": "1Gbps"}})");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  for (const char* path : {".network.fidelity", ".network.transport", ".network.queue_packets",
                           ".network.memo_warmup", ".network.ns3_attributes"}) {
    EXPECT_TRUE(has_issue(issues, path, "applies only when \"backend\" is \"ns3\"")) << path << "\n"
                                                                             << describe(issues);
  }
  EXPECT_TRUE(has_issue(issues, ".network.server_link", "applies only when \"topology\" is \"switch\""))
      << describe(issues);
  EXPECT_EQ(issues.size(), 6u) << describe(issues);
}

TEST(ScenarioParser, EveryProblemIsReportedTogether) {
  // The CLI's example plus one problem of each kind: all are in one error.
  json doc = base_scenario();
  for (const char* set : {"workers=0", "train.lr=fast", "network.bandwith=1Gbps",
                          "network.latency=soon", "algorithms.4={\"name\":\"sasg\",\"label\":"
                          "\"sasg2\",\"density\":1.5}", "data.batch_size=-2", "model=vgg",
                          "train.eval_every=0", "algorithms.0.density=0.1",
                          "network.per_worker.2.bandwidth=fast", "data.partition=by_dataset"}) {
    apply_override(doc, set);
  }
  try {
    parse_scenario(doc, "broken.json");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    const std::vector<ScenarioIssue>& issues = e.issues();
    for (const char* path : {".workers", ".train.lr", ".network.bandwith", ".network.latency",
                             ".algorithms[4].density", ".data.batch_size", ".model", ".train.eval_every",
                             ".algorithms[0].density", ".network.per_worker.2.bandwidth",
                             ".data.second"}) {
      EXPECT_TRUE(has_issue(issues, path, "")) << path << " missing in:\n" << describe(issues);
    }
    EXPECT_EQ(issues.size(), 11u) << describe(issues);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("broken.json: 11 problems:\n  ", 0), 0u) << what;
    EXPECT_NE(what.find("\n  .network.bandwith: unknown key \"bandwith\"; did you mean "
                        "\"bandwidth\"?"),
              std::string::npos)
        << what;
  }
}

TEST(ScenarioParser, MissingRequiredKeysAllAtOnce) {
  const std::vector<ScenarioIssue> issues = issues_of(json::object());
  EXPECT_TRUE(has_issue(issues, ".name", "missing required key"));
  EXPECT_TRUE(has_issue(issues, ".data", "missing required key"));
  EXPECT_TRUE(has_issue(issues, ".train", "missing required key"));
  EXPECT_TRUE(has_issue(issues, ".algorithms", "missing required key"));
  EXPECT_EQ(issues.size(), 4u) << describe(issues);
}

// ---- dataset files ----

json with_dataset(const std::string& dataset, const std::string& path) {
  json doc = base_scenario();
  doc["data"].erase("synthetic");
  doc["data"]["dataset"] = dataset;
  if (!path.empty()) doc["data"]["path"] = path;
  return doc;
}

TEST(ScenarioParser, DataFilesPresentAreAccepted) {
  TempDir tmp;
  for (DatasetKind kind : {DatasetKind::kMnist, DatasetKind::kFashionMnist, DatasetKind::kCifar10,
                           DatasetKind::kCifar100}) {
    const std::string dir = test::make_dataset(tmp, kind, to_string(kind));
    const Scenario s = parse_scenario(with_dataset(to_string(kind), dir), "ok.json");
    EXPECT_EQ(s.data.primary.path, dir);
    EXPECT_EQ(s.data.primary.kind, kind);
    EXPECT_EQ(s.data.primary.mean.size(), kind == DatasetKind::kCifar10 || kind == DatasetKind::kCifar100 ? 3u : 1u);
  }
}

TEST(ScenarioParser, DefaultMeanAndStdPerDataset) {
  auto source = [&](const char* dataset) {
    return parse_scenario(with_dataset(dataset, ""), "n.json").data.primary;
  };
  EXPECT_EQ(source("mnist").mean, std::vector<double>{0.1307});
  EXPECT_EQ(source("mnist").std, std::vector<double>{0.3081});
  EXPECT_EQ(source("fashion-mnist").mean, std::vector<double>{0.2860});
  EXPECT_EQ(source("fashion-mnist").std, std::vector<double>{0.3530});
  EXPECT_EQ(source("cifar10").mean, (std::vector<double>{0.4914, 0.4822, 0.4465}));
  EXPECT_EQ(source("cifar10").std, (std::vector<double>{0.2023, 0.1994, 0.2010}));
  EXPECT_EQ(source("cifar100").mean, (std::vector<double>{0.5071, 0.4865, 0.4409}));
  EXPECT_EQ(source("cifar100").std, (std::vector<double>{0.2673, 0.2564, 0.2762}));
}

TEST(ScenarioParser, DefaultPathsResolveAgainstTheCurrentDirectory) {
  const std::string cwd = fs::current_path().string();
  EXPECT_EQ(parse_scenario(with_dataset("mnist", ""), "n").data.primary.path,
            cwd + "/data/mnist");
  EXPECT_EQ(parse_scenario(with_dataset("cifar10", ""), "n").data.primary.path,
            cwd + "/data/cifar10");
  EXPECT_EQ(parse_scenario(with_dataset("cifar100", ""), "n").data.primary.path,
            cwd + "/data/cifar100");
  EXPECT_EQ(parse_scenario(with_dataset("fashion-mnist", ""), "n").data.primary.path,
            "/usr/share/datasets/fashion-mnist");
  EXPECT_EQ(parse_scenario(with_dataset("mnist", "a/./b/../c/"), "n").data.primary.path,
            cwd + "/a/c");
}

TEST(ScenarioParser, DatasetFilesAreNotCheckedHere) {
  // Files are checked where data is loaded and validated (tests/data/test_DatasetFiles.cpp).
  TempDir tmp;
  EXPECT_TRUE(issues_of(with_dataset("cifar10", tmp.str() + "/none")).empty());
}

// ---- files ----

TEST(ScenarioParser, LoadsFilesAndAppliesOverrides) {
  TempDir tmp;
  const fs::path file = tmp.write("s.json", base_scenario().dump(2));
  const Scenario s = load_scenario(file.string(), {"workers=2", "network.bandwidth=10Mbps"});
  EXPECT_EQ(s.workers, 2);
  EXPECT_EQ(s.network.link.rate_bps, 1e7);
  EXPECT_EQ(s.resolved["network"]["bandwidth"], "10Mbps");
  EXPECT_THROW(load_scenario(file.string(), {"=3"}), UsageError);
  try {
    load_scenario(file.string(), {"workers=-3"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), file.string());
    EXPECT_TRUE(has_issue(e.issues(), ".workers", "got -3"));
  }
}

void expect_file_error(const std::string& file, const std::string& part) {
  try {
    load_scenario(file, {});
    ADD_FAILURE() << "accepted " << file;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), file);
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].path, "");
    EXPECT_NE(e.issues()[0].message.find(part), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

TEST(ScenarioParser, UnreadableFiles) {
  TempDir tmp;
  expect_file_error(tmp.str() + "/nope.json", "cannot read the file: No such file or directory");
  expect_file_error(tmp.str(), "is a directory, not a scenario file");
}

TEST(ScenarioParser, JsonSyntaxErrorsSayLineAndColumn) {
  TempDir tmp;
  const fs::path file = tmp.write("bad.json", "{\n  \"name\": \"x\",\n  \"workers\": 4,,\n}\n");
  expect_file_error(file.string(), "not valid JSON: parse error at line 3, column 16");
  const fs::path empty = tmp.write("empty.json", "");
  expect_file_error(empty.string(), "not valid JSON");
}

TEST(ScenarioParser, DuplicateKeysAreReportedWithTheOtherProblems) {
  TempDir tmp;
  const fs::path file = tmp.write("dup.json", R"({
    "name": "dup", "workers": 4,
    "data": {"dataset": "synthetic", "batch_size": 8, "batch_size": 4,
             "synthetic": {"train_size": 640}},
    "train": {"iterations": 10, "lr": 0.05, "lr": 0},
    "algorithms": ["sgd", {"name": "sasg", "D": 3, "D": 4}]
  })");
  try {
    load_scenario(file.string(), {});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_TRUE(has_issue(e.issues(), ".data.batch_size", "duplicate key \"batch_size\""));
    EXPECT_TRUE(has_issue(e.issues(), ".algorithms[1].D", "duplicate key \"D\""));
    EXPECT_TRUE(has_issue(e.issues(), ".train.lr", "duplicate key \"lr\""));
    EXPECT_TRUE(has_issue(e.issues(), ".train.lr", "expected a number > 0, got 0"));
    EXPECT_EQ(e.issues().size(), 4u) << describe(e.issues());
  }
}

// load_scenario_text is load_scenario without reading the file: the same overrides, the same
// errors naming the file, and a network.include found next to it (which need not exist).
TEST(ScenarioParser, TextOfAFileLoadsAsTheFileWould) {
  TempDir tmp;
  json doc = base_scenario();
  doc["network"] = {{"include", "profile.json"}};
  const fs::path file = tmp.write("s.json", doc.dump(2));
  tmp.write("profile.json", R"({"bandwidth": "10Gbps"})");
  const Scenario from_file = load_scenario(file.string(), {"workers=2"});
  const Scenario from_text = load_scenario_text(doc.dump(2), file.string(), {"workers=2"});
  test::expect_same(from_file, from_text);
  EXPECT_EQ(from_text.workers, 2);
  EXPECT_EQ(from_text.network.link.rate_bps, 1e10);
  const std::string unwritten = (tmp.path() / "unwritten.json").string();
  EXPECT_EQ(load_scenario_text(doc.dump(), unwritten, {}).network.link.rate_bps, 1e10);
  try {
    load_scenario_text("{\n  \"name\": ,\n}", unwritten, {});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), unwritten);
    EXPECT_TRUE(has_issue(e.issues(), "", "not valid JSON: parse error at line 2")) << e.what();
  }
}

}  // namespace
}  // namespace sasgsim

namespace sasgsim {
namespace {

TEST(ScenarioParser, SweepBlockIsParsedInKeyOrder) {
  json doc = base_scenario();
  doc["sweep"] = json::parse(R"({"workers": [4, 8], "network.bandwidth": ["10Mbps", "1Gbps"]})");
  const Scenario s = parse_scenario(doc, "test");
  ASSERT_EQ(s.sweep.size(), 2u);
  EXPECT_EQ(s.sweep[0].first, "network.bandwidth");
  EXPECT_EQ(s.sweep[1].first, "workers");
  EXPECT_EQ(s.sweep[1].second, (std::vector<json>{4, 8}));
  EXPECT_EQ(s.resolved["sweep"]["workers"], json::parse("[4, 8]"));
}

TEST(ScenarioParser, SweepBlockErrors) {
  json doc = base_scenario();
  doc["sweep"] = json::parse(R"({"workers": [], "network.bandwidth": "1Gbps", "name": ["a"],
                                 "seed": [1, 1], "train.lr": [null]})");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".sweep.workers", "non-empty list")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".sweep[\"network.bandwidth\"]", "non-empty list"))
      << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".sweep.name", "cannot be swept")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".sweep.seed", "appears twice")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".sweep[\"train.lr\"]", "null")) << describe(issues);
  doc["sweep"] = json::object();
  EXPECT_TRUE(has_issue(issues_of(doc), ".sweep", "expected an object"));
}

}  // namespace
}  // namespace sasgsim

namespace sasgsim {
namespace {

TEST(ScenarioParser, SeedsAreParsedAndRoundTrip) {
  json doc = base_scenario();
  doc["seeds"] = json::parse("[1, 19, 31, 42, 80]");
  const Scenario s = parse_scenario(doc, "seeds.json");
  EXPECT_EQ(s.seeds, (std::vector<uint64_t>{1, 19, 31, 42, 80}));
  EXPECT_EQ(s.seed, 1u);  // the first of them
  EXPECT_EQ(s.resolved["seeds"], json::parse("[1, 19, 31, 42, 80]"));
  EXPECT_FALSE(s.resolved.contains("seed"));
  test::expect_same(s, parse_scenario(s.resolved, "resolved.json"));
  doc["seeds"] = json::parse("[18446744073709551615, 1e3]");
  EXPECT_EQ(parse_scenario(doc, "big.json").seeds,
            (std::vector<uint64_t>{18446744073709551615u, 1000u}));
}

TEST(ScenarioParser, SeedAndSeedsInOneFileAreAnError) {
  json doc = base_scenario();
  doc["seed"] = 1;
  doc["seeds"] = {1, 2};
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".seeds", "give either \"seed\" (one run) or \"seeds\" (one run "
                                          "per seed), not both"))
      << describe(issues);
  EXPECT_EQ(issues.size(), 1u) << describe(issues);
}

// --set of one of two keys that give the same setting drops the other one: the explicit
// override wins.
TEST(ScenarioParser, SettingOneOfTwoAlternativeKeysDropsTheOther) {
  TempDir tmp;
  json doc = base_scenario();
  doc["train"].erase("iterations");
  doc["train"]["epochs"] = 2;
  doc["seed"] = 7;
  const fs::path file = tmp.write("epochs.json", doc.dump(2));
  const Scenario s = load_scenario(file.string(), {"train.iterations=30", "seeds=[1,2]"});
  EXPECT_EQ(s.train.iterations, 30);
  EXPECT_FALSE(s.train.epochs);
  EXPECT_EQ(s.seeds, (std::vector<uint64_t>{1, 2}));
  const Scenario back = load_scenario(file.string(), {"train.iterations=30", "train.epochs=3"});
  EXPECT_EQ(back.train.epochs, 3.0);
  EXPECT_FALSE(back.train.iterations);
  EXPECT_EQ(back.seed, 7u);
}

TEST(ScenarioParser, SeedsErrors) {
  expect_all({
      {{"seeds=[]"}, ".seeds", "expected a non-empty list of seeds, e.g. [1, 19, 31, 42, 80], got []"},
      {{"seeds=5"}, ".seeds", "expected a non-empty list of seeds, e.g. [1, 19, 31, 42, 80], got 5"},
      {{"seeds=[1,-2]"}, ".seeds[1]", "expected a non-negative integer, got -2"},
      {{"seeds=[1,\"2\"]"}, ".seeds[1]", "expected a non-negative integer, got \"2\" (a string)"},
      {{"seeds=[7,1,7]"}, ".seeds[2]", "seed 7 appears twice"},
  });
}

TEST(ScenarioParser, ComputeFixedIsParsedAndRoundTrips) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"model": "fixed", "batch_time": "5ms", "topk_time": "1ms",
                                   "per_worker": {"3": {"speed": 0.25}, "0": {"speed": 2}}})");
  const Scenario s = parse_scenario(doc, "fixed.json");
  EXPECT_EQ(s.compute.model, ComputeModelKind::kFixed);
  EXPECT_EQ(s.compute.batch_time_s, 5e-3);
  EXPECT_EQ(s.compute.topk_time_s, 1e-3);
  EXPECT_EQ(s.compute.speed, (std::map<int, double>{{0, 2.0}, {3, 0.25}}));
  EXPECT_EQ(s.compute.speed_of(3), 0.25);
  EXPECT_EQ(s.compute.speed_of(1), 1.0);
  EXPECT_EQ(s.resolved["compute"], json::parse(R"({"model": "fixed", "batch_time": "5ms",
      "topk_time": "1ms", "per_worker": {"0": {"speed": 2.0}, "3": {"speed": 0.25}}})"));
  test::expect_same(s, parse_scenario(s.resolved, "resolved.json"));
  test::expect_same(s, parse_scenario(json::parse(s.resolved.dump(2)), "manifest.json"));
}

TEST(ScenarioParser, ComputeFixedTopkTimeDefaultsToZero) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"model": "fixed", "batch_time": "0.5"})");
  const Scenario s = parse_scenario(doc, "fixed.json");
  EXPECT_EQ(s.compute.batch_time_s, 0.5);
  EXPECT_EQ(s.compute.topk_time_s, 0.0);
  EXPECT_EQ(s.resolved["compute"], json::parse(R"({"model": "fixed", "batch_time": "0.5s",
                                                   "topk_time": "0s", "per_worker": {}})"));
  test::expect_same(s, parse_scenario(s.resolved, "resolved.json"));
}

TEST(ScenarioParser, ComputeFlopsIsParsedAndRoundTrips) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"model": "flops", "device_flops": 2e11})");
  const Scenario s = parse_scenario(doc, "flops.json");
  EXPECT_EQ(s.compute.model, ComputeModelKind::kFlops);
  EXPECT_EQ(s.compute.device_flops, 2e11);
  EXPECT_EQ(s.compute.topk_flops_per_element, 20.0);
  EXPECT_EQ(s.resolved["compute"], json::parse(R"({"model": "flops", "device_flops": 2e11,
                                                   "topk_flops_per_element": 20.0,
                                                   "per_worker": {}})"));
  test::expect_same(s, parse_scenario(s.resolved, "resolved.json"));

  doc["compute"] = json::parse(R"({"model": "flops", "device_flops": 1e12,
                                   "topk_flops_per_element": 0, "per_worker": {"1": {"speed": 0.5}}})");
  const Scenario t = parse_scenario(doc, "flops.json");
  EXPECT_EQ(t.compute.topk_flops_per_element, 0.0);
  EXPECT_EQ(t.compute.speed_of(1), 0.5);
  test::expect_same(t, parse_scenario(t.resolved, "resolved.json"));
}

TEST(ScenarioParser, ComputeMeasuredAndNoneRoundTrip) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"model": "measured", "per_worker": {"2": {"speed": 0.1}}})");
  const Scenario s = parse_scenario(doc, "measured.json");
  EXPECT_EQ(s.compute.model, ComputeModelKind::kMeasured);
  EXPECT_EQ(s.compute.speed_of(2), 0.1);
  EXPECT_EQ(s.resolved["compute"],
            json::parse(R"({"model": "measured", "per_worker": {"2": {"speed": 0.1}}})"));
  test::expect_same(s, parse_scenario(s.resolved, "resolved.json"));

  doc["compute"] = json::parse(R"({"model": "none"})");
  const Scenario n = parse_scenario(doc, "none.json");
  EXPECT_EQ(n.compute.model, ComputeModelKind::kNone);
  EXPECT_EQ(n.resolved["compute"], json::parse(R"({"model": "none"})"));
  doc["compute"] = json::object();
  EXPECT_EQ(parse_scenario(doc, "empty.json").compute.model, ComputeModelKind::kNone);
}

TEST(ScenarioParser, ComputeKeysCanBeSetFromTheCommandLine) {
  json doc = base_scenario();
  apply_override(doc, "compute.model=fixed");
  apply_override(doc, "compute.batch_time=2ms");
  apply_override(doc, "compute.per_worker.3.speed=0.25");
  const Scenario s = parse_scenario(doc, "set.json");
  EXPECT_EQ(s.compute.batch_time_s, 2e-3);
  EXPECT_EQ(s.compute.speed_of(3), 0.25);
}

TEST(ScenarioParser, ComputeErrors) {
  const std::string fixed = "compute={\"model\":\"fixed\",\"batch_time\":\"5ms\"}";
  const std::string flops = "compute={\"model\":\"flops\",\"device_flops\":1e9}";
  expect_all({
      {{"compute.model=gpu"}, ".compute.model",
       "expected one of \"none\", \"fixed\", \"measured\", \"flops\", got \"gpu\""},
      {{"compute.model=fixd", "compute.batch_time=5ms"}, ".compute.model",
       "did you mean \"fixed\"?"},
      {{"compute.model=fixed"}, ".compute.batch_time",
       "missing required key: expected a time in (0s, 1d] like \"0.1ms\" or \"5us\", e.g. \"5ms\" "
       "(needed when \"model\" is \"fixed\")"},
      {{fixed, "compute.batch_time=0s"}, ".compute.batch_time",
       "expected a time in (0s, 1d], got \"0s\"; raise it to more than 0s"},
      {{fixed, "compute.batch_time=5"}, ".compute.batch_time",
       "expected a time in (0s, 1d] like \"0.1ms\" or \"5us\", got 5 (a number)"},
      {{fixed, "compute.batch_time=fast"}, ".compute.batch_time",
       "expected a time in (0s, 1d] like \"0.1ms\" or \"5us\", got \"fast\""},
      {{fixed, "compute.topk_time=-1ms"}, ".compute.topk_time", "expected a time like"},
      {{"compute.model=flops"}, ".compute.device_flops",
       "missing required key: expected a number in [1000000, 1e+18], e.g. 2e11 (needed when "
       "\"model\" is "
       "\"flops\")"},
      {{flops, "compute.device_flops=0"}, ".compute.device_flops",
       "expected a number in [1000000, 1e+18], got 0"},
      {{flops, "compute.device_flops=\"2e11\""}, ".compute.device_flops",
       "got \"2e11\" (a string)"},
      {{flops, "compute.topk_flops_per_element=-1"}, ".compute.topk_flops_per_element",
       "expected a number in [0, 1000000], got -1"},
      {{"compute.batch_time=5ms"}, ".compute.batch_time",
       "\"batch_time\" applies only when \"model\" is \"fixed\", not \"none\"; remove it or "
       "set \"model\": \"fixed\""},
      {{flops, "compute.topk_time=1ms"}, ".compute.topk_time",
       "\"topk_time\" applies only when \"model\" is \"fixed\", not \"flops\"; remove it or "
       "set \"model\": \"fixed\""},
      {{fixed, "compute.device_flops=1e9"}, ".compute.device_flops",
       "\"device_flops\" applies only when \"model\" is \"flops\", not \"fixed\"; remove it "
       "or set \"model\": \"flops\""},
      {{"compute.model=measured", "compute.topk_flops_per_element=5"},
       ".compute.topk_flops_per_element",
       "\"topk_flops_per_element\" applies only when \"model\" is \"flops\", not "
       "\"measured\""},
      {{"compute.per_worker.3.speed=0.5"}, ".compute.per_worker",
       "\"per_worker\" applies only when \"model\" is \"fixed\", \"measured\" or \"flops\", not "
       "\"none\"; remove it or set \"model\" to one of them"},
      {{fixed, "compute.per_worker=5"}, ".compute.per_worker",
       "expected an object keyed by worker index, e.g. {\"3\": {\"speed\": 0.5}}, got 5"},
      {{fixed, "compute.per_worker.3.speed=0"}, ".compute.per_worker.3.speed",
       "expected a number in [0.001, 1000], got 0"},
      {{fixed, "compute.per_worker.3.speed=fast"}, ".compute.per_worker.3.speed",
       "got \"fast\" (a string)"},
      {{fixed, "compute.per_worker.3={}"}, ".compute.per_worker.3.speed",
       "missing required key: expected a number in [0.001, 1000], e.g. 0.5"},
      {{fixed, "compute.per_worker.3=0.5"}, ".compute.per_worker.3", "expected an object"},
      {{fixed, "compute.per_worker.3.speed=1", "compute.per_worker.3.bandwidth=1Gbps"},
       ".compute.per_worker.3.bandwidth",
       "a worker's link is set in \"network.per_worker\", not here"},
      {{fixed, "compute.per_worker.3.sped=1", "compute.per_worker.3.speed=1"},
       ".compute.per_worker.3.sped", "did you mean \"speed\"?"},
      {{fixed, "compute.per_worker.4.speed=1"}, ".compute.per_worker.4",
       "worker 4 does not exist: workers is 4 (indices 0..3)"},
      {{fixed, "compute.per_worker.03.speed=1"}, ".compute.per_worker.03",
       "expected a worker index (a decimal integer such as \"3\") as the key, got \"03\""},
      {{fixed, "compute.per_worker.x.speed=1"}, ".compute.per_worker.x",
       "expected a worker index"},
      {{fixed, "compute.flops=1"}, ".compute.flops", "did you mean \"device_flops\""},
      {{fixed, "compute.speed=1"}, ".compute.speed",
       "it is set per worker in \"compute.per_worker\", e.g. {\"3\": {\"speed\": 0.5}}"},
      {{fixed, "compute.type=fixed"}, ".compute.type", "did you mean \"model\"?"},
      {{fixed, "compute.bandwidth=1Gbps"}, ".compute.bandwidth",
       "did you mean \"network.bandwidth\"?"},
      {{fixed, "compute.batch_tim=1ms"}, ".compute.batch_tim", "did you mean \"batch_time\"?"},
  });
}

TEST(ScenarioParser, ComputeKeysOfAnInvalidModelAreStillChecked) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"model": "gpu", "batch_time": "0s", "device_flops": -1,
                                   "per_worker": {"9": {"speed": 1}}})");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  EXPECT_TRUE(has_issue(issues, ".compute.model", "got \"gpu\"")) << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".compute.batch_time", "expected a time in (0s, 1d]"))
      << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".compute.device_flops", "expected a number in [1000000, 1e+18]"))
      << describe(issues);
  EXPECT_TRUE(has_issue(issues, ".compute.per_worker.9", "worker 9 does not exist"))
      << describe(issues);
  EXPECT_EQ(issues.size(), 4u) << describe(issues);
}

TEST(ScenarioParser, ComputeContradictionsAreAllReported) {
  json doc = base_scenario();
  doc["compute"] = json::parse(R"({"batch_time": "1ms", "topk_time": "1ms", "device_flops": 1e9,
                                   "topk_flops_per_element": 3,
                                   "per_worker": {"1": {"speed": 2}}})");
  const std::vector<ScenarioIssue> issues = issues_of(doc);
  for (const char* key : {"batch_time", "topk_time", "device_flops", "topk_flops_per_element"}) {
    EXPECT_TRUE(has_issue(issues, std::string(".compute.") + key, "not \"none\""))
        << key << describe(issues);
  }
  EXPECT_TRUE(has_issue(issues, ".compute.per_worker", "not \"none\""))
      << describe(issues);
  EXPECT_EQ(issues.size(), 5u) << describe(issues);
}

}  // namespace
}  // namespace sasgsim
