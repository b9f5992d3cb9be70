// The batched path (every worker's gradients in one pass) against the per-worker path: each
// gradient equal to float rounding, at theta^t and at per-worker points; whole runs with the
// same upload decisions and accuracy; the periodic rule, whose gradients are taken at local
// models, falling back to the per-worker path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/BatchedGradients.h"
#include "models/BatchedSupport.h"
#include "models/FlatParameters.h"
#include "models/Model.h"
#include "sim/runtime/ScenarioRunner.h"
#include "sim/scenario/ScenarioParser.h"
#include "tests/support/TempDir.h"

namespace sasgsim {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kWorkers = 4;
constexpr int64_t kBatch = 5;

// One worker's gradient of its mean cross-entropy at `point`, by autograd on a model whose
// parameters view `point`.
torch::Tensor autograd_gradient(Model& model, FlatParameters& flat, const torch::Tensor& point,
                                const torch::Tensor& images, const torch::Tensor& labels) {
  flat.view_values_of(point);
  flat.zero_grads();
  torch::nn::functional::cross_entropy(model.forward(images), labels).backward();
  return flat.grads().clone();
}

// A model with a batched path, on 6x6 single-channel images of 4 classes (8x8 RGB for cnn,
// so that its grouped convolutions see more than one input channel).
struct ModelCase {
  explicit ModelCase(ModelKind kind)
      : kind(kind),
        shape(kind == ModelKind::kCnn ? std::vector<int64_t>{3, 8, 8}
                                      : std::vector<int64_t>{1, 6, 6}),
        model(make_model(kind, shape, 4)),
        flat(*model),
        images(torch::randn({kWorkers * kBatch, shape[0], shape[1], shape[2]})),
        labels(torch::randint(0, 4, {kWorkers * kBatch}, torch::kLong)),
        batched(make(kind, flat.slices())) {}
  // The model's batched path on the CPU (cnn's is offered on CUDA only, but checked here).
  static std::unique_ptr<BatchedGradients> make(ModelKind kind,
                                                const std::vector<TensorSlice>& slices) {
    return kind == ModelKind::kCnn ? make_cnn_batched(slices)
                                   : make_batched_gradients(kind, slices, torch::kCPU);
  }
  ModelKind kind;
  std::vector<int64_t> shape;
  std::shared_ptr<Model> model;
  FlatParameters flat;
  torch::Tensor images;
  torch::Tensor labels;
  std::unique_ptr<BatchedGradients> batched;

  torch::Tensor images_of(int64_t m) const { return images.narrow(0, m * kBatch, kBatch); }
  torch::Tensor labels_of(int64_t m) const { return labels.narrow(0, m * kBatch, kBatch); }
};

// Every prepared worker's gradient, one row each.
torch::Tensor gradients_of(const BatchedGradients& batched, int64_t workers, int64_t numel) {
  torch::Tensor out = torch::empty({workers, numel});
  for (int64_t k = 0; k < workers; ++k) {
    torch::Tensor row = out[k];
    batched.gradient(k, row);
  }
  return out;
}

void expect_rows_match(const torch::Tensor& batched, const std::vector<torch::Tensor>& expected) {
  for (size_t m = 0; m < expected.size(); ++m) {
    const torch::Tensor row = batched[static_cast<int64_t>(m)];
    const double scale = expected[m].abs().max().item<double>();
    EXPECT_GT(scale, 0.0) << m;
    EXPECT_LT((row - expected[m]).abs().max().item<double>(), 2e-5 * scale) << "worker " << m;
  }
}

class BatchedModel : public ::testing::TestWithParam<ModelKind> {};

INSTANTIATE_TEST_SUITE_P(Models, BatchedModel,
                         ::testing::Values(ModelKind::kFc512, ModelKind::kCnn),
                         [](const ::testing::TestParamInfo<ModelKind>& info) {
                           return std::string(info.param == ModelKind::kCnn ? "cnn" : "fc512");
                         });

TEST_P(BatchedModel, AtThetaEqualsEachWorkersAutogradGradient) {
  const ModelKind kind = GetParam();
  torch::manual_seed(3);
  ModelCase c(kind);
  ASSERT_NE(c.batched, nullptr);
  const torch::Tensor theta = c.flat.values().clone();
  const std::vector<torch::Tensor> at_theta(kWorkers, theta);
  const double loss = c.batched->prepare(at_theta, c.images, c.labels).item<double>();
  const torch::Tensor out = gradients_of(*c.batched, kWorkers, theta.numel());
  std::vector<torch::Tensor> expected;
  double expected_loss = 0.0;
  for (int64_t m = 0; m < kWorkers; ++m) {
    expected.push_back(autograd_gradient(*c.model, c.flat, theta, c.images_of(m), c.labels_of(m)));
    expected_loss += torch::nn::functional::cross_entropy(c.model->forward(c.images_of(m)),
                                                          c.labels_of(m)).item<double>();
  }
  expect_rows_match(out, expected);
  EXPECT_NEAR(loss, expected_loss, 1e-5 * expected_loss);
}

TEST_P(BatchedModel, SummedEqualsTheSumOfTheWorkersAutogradGradients) {
  const ModelKind kind = GetParam();
  torch::manual_seed(6);
  ModelCase c(kind);
  const torch::Tensor theta = c.flat.values().clone();
  const std::vector<torch::Tensor> at_theta(kWorkers, theta);
  const double loss = c.batched->prepare(at_theta, c.images, c.labels).item<double>();
  torch::Tensor sum = torch::empty_like(theta);
  c.batched->summed(sum);
  torch::Tensor expected = torch::zeros_like(theta);
  double expected_loss = 0.0;
  for (int64_t m = 0; m < kWorkers; ++m) {
    expected += autograd_gradient(*c.model, c.flat, theta, c.images_of(m), c.labels_of(m));
    expected_loss += torch::nn::functional::cross_entropy(c.model->forward(c.images_of(m)),
                                                          c.labels_of(m)).item<double>();
  }
  expect_rows_match(sum.unsqueeze(0), {expected});
  EXPECT_NEAR(loss, expected_loss, 1e-5 * expected_loss);
}

// Workers 0 and 2 share a point (one pass over their samples), 1 and 3 have their own.
TEST_P(BatchedModel, AtPerWorkerPointsEqualsEachWorkersAutogradGradient) {
  const ModelKind kind = GetParam();
  torch::manual_seed(4);
  ModelCase c(kind);
  const torch::Tensor theta = c.flat.values().clone();
  const torch::Tensor shared = theta + 0.05 * torch::randn_like(theta);
  const std::vector<torch::Tensor> points{shared, theta + 0.05 * torch::randn_like(theta), shared,
                                          theta + 0.05 * torch::randn_like(theta)};
  c.batched->prepare(points, c.images, c.labels);
  const torch::Tensor out = gradients_of(*c.batched, kWorkers, theta.numel());
  torch::Tensor unused = torch::empty_like(theta);
  if (kind == ModelKind::kFc512) {  // three points: no one sum
    EXPECT_THROW(c.batched->summed(unused), std::logic_error);
  }
  std::vector<torch::Tensor> expected;
  for (int64_t m = 0; m < kWorkers; ++m) {
    expected.push_back(autograd_gradient(*c.model, c.flat, points[m], c.images_of(m),
                                         c.labels_of(m)));
  }
  expect_rows_match(out, expected);
}

// The lazy rule's number from the activations equals the one from the formed gradients.
TEST_P(BatchedModel, SquaredChangeEqualsTheFormedGradientsOne) {
  const ModelKind kind = GetParam();
  torch::manual_seed(7);
  ModelCase c(kind);
  const torch::Tensor theta = c.flat.values().clone();
  const torch::Tensor near = theta + 1e-3 * torch::randn_like(theta);  // a small change
  const std::vector<torch::Tensor> points{near, theta + 0.05 * torch::randn_like(theta), near,
                                          theta};
  std::unique_ptr<BatchedGradients> old_pass =
      ModelCase::make(kind, c.flat.slices());
  c.batched->prepare(std::vector<torch::Tensor>(kWorkers, theta), c.images, c.labels);
  old_pass->prepare(points, c.images, c.labels);
  const torch::Tensor g_new = gradients_of(*c.batched, kWorkers, theta.numel());
  const torch::Tensor g_old = gradients_of(*old_pass, kWorkers, theta.numel());
  for (int64_t k = 0; k < kWorkers; ++k) {
    const double expected = (g_new[k].to(torch::kFloat64) - g_old[k].to(torch::kFloat64))
                                .square()
                                .sum()
                                .item<double>();
    const double change = c.batched->squared_change(k, *old_pass, k);
    if (k == 3) {
      EXPECT_LT(change, 1e-9) << "the same point";
    } else {
      EXPECT_NEAR(change, expected, 1e-4 * expected) << "worker " << k;
    }
  }
}

TEST(BatchedGradients, OfferedForFc512EverywhereCnnOnCudaAndNotResnet18) {
  torch::manual_seed(5);
  std::shared_ptr<Model> resnet = make_model(ModelKind::kResnet18, {3, 8, 8}, 10);
  EXPECT_EQ(make_batched_gradients(ModelKind::kResnet18, FlatParameters(*resnet).slices(),
                                   torch::kCPU), nullptr);
  std::shared_ptr<Model> cnn = make_model(ModelKind::kCnn, {1, 8, 8}, 10);
  EXPECT_EQ(make_batched_gradients(ModelKind::kCnn, FlatParameters(*cnn).slices(), torch::kCPU),
            nullptr);
  EXPECT_NE(make_batched_gradients(ModelKind::kCnn, FlatParameters(*cnn).slices(), torch::kCUDA),
            nullptr);
  std::shared_ptr<Model> fc512 = make_model(ModelKind::kFc512, {1, 8, 8}, 10);
  EXPECT_NE(make_batched_gradients(ModelKind::kFc512, FlatParameters(*fc512).slices(),
                                   torch::kCPU), nullptr);
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The columns of uploads.csv that the algorithms decide (iteration, worker, values, bytes,
// forced), one line per upload.
std::string decisions(const fs::path& uploads_csv) {
  std::istringstream in(slurp(uploads_csv));
  std::string line, out;
  while (std::getline(in, line)) {
    size_t cut = 0;
    for (int field = 0; field < 5 && cut != std::string::npos; ++field) {
      cut = line.find(',', cut + (field ? 1 : 0));
    }
    out += line.substr(0, cut) + "\n";
  }
  return out;
}

ScenarioResult run_with(const std::string& model, const std::string& worker_gradients,
                        const fs::path& out) {
  nlohmann::json doc = nlohmann::json::parse(R"({
    "name": "batched", "seed": 11, "device": "cpu", "workers": 4,
    "data": {"dataset": "synthetic", "batch_size": 8,
             "synthetic": {"train_size": 640, "test_size": 96, "classes": 4,
                           "shape": [1, 6, 6], "noise": 1.5}},
    "model": "fc512",
    "train": {"iterations": 40, "lr": 0.05, "eval_every": 20},
    "algorithms": [{"name": "sgd"}, {"name": "sparse", "density": 0.05},
                   {"name": "lasg", "D": 3}, {"name": "sasg", "D": 3, "density": 0.05},
                   {"rule": "periodic", "period": 4, "compressor": "identity",
                    "label": "local_sgd"}]
  })");
  doc["model"] = model;
  doc["train"]["worker_gradients"] = worker_gradients;
  fs::remove_all(out);
  RunRequest request;
  request.out_dir = out.string();
  request.quiet = true;
  return run_scenario(parse_scenario(doc, "batched.json"), request);
}

TEST(BatchedGradients, RunsDecideAsThePerWorkerPathAndAreDeterministic) {
  torch::set_num_threads(1);
  const test::TempDir tmp("sasgsim_batched");
  const fs::path& root = tmp.path();
  const ScenarioResult batched = run_with("fc512", "batched", root / "batched");
  const ScenarioResult again = run_with("fc512", "batched", root / "again");
  const ScenarioResult per_worker = run_with("fc512", "per_worker", root / "per_worker");
  ASSERT_EQ(batched.runs.size(), per_worker.runs.size());
  size_t skips = 0;
  for (size_t i = 0; i < batched.runs.size(); ++i) {
    const std::string label = batched.runs[i].algorithm;
    const fs::path b = root / "batched" / label, p = root / "per_worker" / label;
    EXPECT_EQ(decisions(b / "uploads.csv"), decisions(p / "uploads.csv")) << label;
    EXPECT_NEAR(batched.runs[i].final_test_acc, per_worker.runs[i].final_test_acc, 1e-9) << label;
    EXPECT_NEAR(batched.runs[i].final_test_loss, per_worker.runs[i].final_test_loss,
                1e-4 * per_worker.runs[i].final_test_loss) << label;
    for (const char* file : {"uploads.csv", "metrics.csv", "summary.json"}) {
      EXPECT_EQ(slurp(b / file), slurp(root / "again" / label / file)) << label << "/" << file;
    }
    skips += static_cast<size_t>(batched.runs[i].total.skipped);
  }
  EXPECT_GT(skips, 0u);  // the lazy rule's decisions were put to the test
  // The periodic rule takes its gradients at local models: the per-worker path, the same bytes.
  EXPECT_EQ(slurp(root / "batched" / "local_sgd" / "metrics.csv"),
            slurp(root / "per_worker" / "local_sgd" / "metrics.csv"));
}

}  // namespace
}  // namespace sasgsim
