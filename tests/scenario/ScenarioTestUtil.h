// Helpers shared by the scenario tests: dataset files in a TempDir (tests/support), a small valid
// scenario to mutate, and matchers for the issues a ScenarioError carries.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/Catalog.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Scenario.h"
#include "sim/scenario/ScenarioParser.h"
#include "tests/support/TempDir.h"

namespace sasgsim::test {

namespace fs = std::filesystem;

// The file names each dataset needs, written out here (not read from the catalog), so that a
// catalog change shows up as a failing test.
inline std::vector<std::string> expected_files(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kMnist:
    case DatasetKind::kFashionMnist:
      return {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
              "t10k-labels-idx1-ubyte"};
    case DatasetKind::kCifar10:
      return {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
              "data_batch_5.bin", "test_batch.bin"};
    case DatasetKind::kCifar100:
      return {"train.bin", "test.bin"};
    case DatasetKind::kSynthetic:
      return {};
  }
  return {};
}

// Creates every file `kind` needs in `dir` (relative to the TempDir).
inline std::string make_dataset(const TempDir& tmp, DatasetKind kind, const std::string& dir) {
  fs::create_directories(tmp.path() / dir);
  for (const std::string& f : expected_files(kind)) tmp.touch(dir + "/" + f);
  return (tmp.path() / dir).string();
}

// A small valid scenario that needs no dataset files.
inline nlohmann::json base_scenario() {
  return nlohmann::json::parse(R"({
    "name": "base",
    "workers": 4,
    "data": {"dataset": "synthetic", "batch_size": 8,
             "synthetic": {"train_size": 640, "test_size": 128, "classes": 4,
                           "shape": [1, 8, 8], "noise": 1.0}},
    "train": {"iterations": 10, "lr": 0.05},
    "algorithms": ["sgd", "sparse", "lasg", "sasg"]
  })");
}

// The top-k and lazy-rule options of an algorithm entry whose type has them (a failure, and
// the defaults, for one that has not), so that tests can check options across types.
inline TopKOptions topk_of(const AlgorithmConfig& a) {
  if (const auto* o = std::any_cast<SparseOptions>(&a.options)) return o->topk;
  if (const auto* o = std::any_cast<SasgOptions>(&a.options)) return o->topk;
  ADD_FAILURE() << a.label << " has no top-k options";
  return {};
}
inline LazyRuleOptions rule_of(const AlgorithmConfig& a) {
  if (const auto* o = std::any_cast<LasgOptions>(&a.options)) return o->rule;
  if (const auto* o = std::any_cast<SasgOptions>(&a.options)) return o->rule;
  ADD_FAILURE() << a.label << " has no lazy-rule options";
  return {};
}

// An entry with the paper's h and D where its algorithm has them, and nothing else of them:
// density 0.01 per tensor when it compresses, D = 10 when it is lazy, no xi.
inline void expect_paper_density_and_delay(const AlgorithmConfig& a) {
  const nlohmann::json e = a.type->write(a);
  const bool compresses = a.type->traits().compresses;
  const bool lazy = a.type->traits().lazy;
  EXPECT_EQ(e.value("density", nlohmann::json()), compresses ? nlohmann::json(0.01) : nlohmann::json())
      << a.label;
  EXPECT_EQ(e.value("topk_scope", nlohmann::json()),
            compresses ? nlohmann::json("per_tensor") : nlohmann::json())
      << a.label;
  EXPECT_EQ(e.value("D", nlohmann::json()), lazy ? nlohmann::json(10) : nlohmann::json()) << a.label;
  EXPECT_FALSE(e.contains("xi")) << a.label;
}

// An entry with every default of the paper's MNIST run: the above, and for the lazy rule
// kappa 1, c_factor 2 (c = 2 alpha M^2) with the current lr.
inline void expect_paper_mnist_options(const AlgorithmConfig& a) {
  expect_paper_density_and_delay(a);
  if (!a.type->traits().lazy) return;
  const LazyRuleOptions rule = rule_of(a);
  EXPECT_EQ(rule.kappa, 1.0) << a.label;
  EXPECT_EQ(rule.c_factor, 2.0) << a.label;
  EXPECT_EQ(rule.threshold_lr, ThresholdLrKind::kCurrent) << a.label;
}

// The issues parse_scenario reports for `doc` (empty when it is valid).
inline std::vector<ScenarioIssue> issues_of(const nlohmann::json& doc) {
  try {
    parse_scenario(doc, "test.json");
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.source(), "test.json");
    return e.issues();
  }
  return {};
}

inline std::string describe(const std::vector<ScenarioIssue>& issues) {
  std::string s;
  for (const ScenarioIssue& i : issues) s += "  " + i.path + ": " + i.message + "\n";
  return s.empty() ? "  (no issues)\n" : s;
}

// True when some issue has exactly `path` and a message containing `part`.
inline bool has_issue(const std::vector<ScenarioIssue>& issues, const std::string& path,
                      const std::string& part) {
  for (const ScenarioIssue& i : issues) {
    if (i.path == path && i.message.find(part) != std::string::npos) return true;
  }
  return false;
}

// Field-by-field equality of two parsed scenarios (resolved JSON included).
inline void expect_same(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.seeds, b.seeds);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.workers, b.workers);
  auto same_source = [](const DatasetSource& x, const DatasetSource& y) {
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.mean, y.mean);
    EXPECT_EQ(x.std, y.std);
    EXPECT_EQ(x.synthetic.train_size, y.synthetic.train_size);
    EXPECT_EQ(x.synthetic.test_size, y.synthetic.test_size);
    EXPECT_EQ(x.synthetic.classes, y.synthetic.classes);
    EXPECT_EQ(x.synthetic.shape, y.synthetic.shape);
    EXPECT_EQ(x.synthetic.noise, y.synthetic.noise);
  };
  same_source(a.data.primary, b.data.primary);
  ASSERT_EQ(a.data.secondary.has_value(), b.data.secondary.has_value());
  if (a.data.secondary) same_source(*a.data.secondary, *b.data.secondary);
  EXPECT_EQ(a.data.partition, b.data.partition);
  EXPECT_EQ(a.data.dirichlet_alpha, b.data.dirichlet_alpha);
  EXPECT_EQ(a.data.batch_size, b.data.batch_size);
  EXPECT_EQ(a.data.augment.crop_padding, b.data.augment.crop_padding);
  EXPECT_EQ(a.data.augment.horizontal_flip, b.data.augment.horizontal_flip);
  EXPECT_EQ(a.data.augment.rotation_degrees, b.data.augment.rotation_degrees);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.train.iterations, b.train.iterations);
  EXPECT_EQ(a.train.epochs, b.train.epochs);
  EXPECT_EQ(a.train.lr, b.train.lr);
  EXPECT_EQ(a.train.lr_schedule.kind, b.train.lr_schedule.kind);
  EXPECT_EQ(a.train.lr_schedule.milestones_epochs, b.train.lr_schedule.milestones_epochs);
  EXPECT_EQ(a.train.lr_schedule.gamma, b.train.lr_schedule.gamma);
  EXPECT_EQ(a.train.eval_every, b.train.eval_every);
  EXPECT_EQ(a.train.target_accuracy, b.train.target_accuracy);
  EXPECT_EQ(a.train.target_top5, b.train.target_top5);
  EXPECT_EQ(a.train.eval_batch_size, b.train.eval_batch_size);
  ASSERT_EQ(a.algorithms.size(), b.algorithms.size());
  for (size_t i = 0; i < a.algorithms.size(); ++i) {
    const AlgorithmConfig& x = a.algorithms[i];
    const AlgorithmConfig& y = b.algorithms[i];
    EXPECT_EQ(x.type, y.type) << i;
    EXPECT_EQ(x.label, y.label) << i;
    // Every option is in the entry's resolved form (the writer is tested on its own).
    EXPECT_EQ(x.type->write(x), y.type->write(y)) << i;
  }
  EXPECT_EQ(a.network.backend, b.network.backend);
  EXPECT_EQ(a.network.fidelity, b.network.fidelity);
  EXPECT_EQ(a.network.schedule, b.network.schedule);
  EXPECT_EQ(a.network.link.rate_bps, b.network.link.rate_bps);
  EXPECT_EQ(a.network.link.latency_s, b.network.link.latency_s);
  ASSERT_EQ(a.network.per_worker.size(), b.network.per_worker.size());
  for (const auto& [index, link] : a.network.per_worker) {
    ASSERT_TRUE(b.network.per_worker.count(index)) << index;
    EXPECT_EQ(link.rate_bps, b.network.per_worker.at(index).rate_bps) << index;
    EXPECT_EQ(link.latency_s, b.network.per_worker.at(index).latency_s) << index;
  }
  EXPECT_EQ(a.network.topology, b.network.topology);
  EXPECT_EQ(a.network.server_link.rate_bps, b.network.server_link.rate_bps);
  EXPECT_EQ(a.network.server_link.latency_s, b.network.server_link.latency_s);
  EXPECT_EQ(a.network.downlink, b.network.downlink);
  EXPECT_EQ(a.network.transport.congestion_control, b.network.transport.congestion_control);
  EXPECT_EQ(a.network.transport.segment_size_bytes, b.network.transport.segment_size_bytes);
  EXPECT_EQ(a.network.transport.send_buffer_bytes, b.network.transport.send_buffer_bytes);
  EXPECT_EQ(a.network.transport.receive_buffer_bytes, b.network.transport.receive_buffer_bytes);
  EXPECT_EQ(a.network.queue_packets, b.network.queue_packets);
  EXPECT_EQ(a.network.memo_warmup, b.network.memo_warmup);
  EXPECT_EQ(a.network.ns3_attributes, b.network.ns3_attributes);
  EXPECT_EQ(a.compute.model, b.compute.model);
  EXPECT_EQ(a.compute.batch_time_s, b.compute.batch_time_s);
  EXPECT_EQ(a.compute.topk_time_s, b.compute.topk_time_s);
  EXPECT_EQ(a.compute.device_flops, b.compute.device_flops);
  EXPECT_EQ(a.compute.topk_flops_per_element, b.compute.topk_flops_per_element);
  EXPECT_EQ(a.compute.speed, b.compute.speed);
  EXPECT_EQ(a.resolved, b.resolved);
}

}  // namespace sasgsim::test
