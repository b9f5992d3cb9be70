#include "sim/runtime/Trainer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"
#include "models/FlatParameters.h"
#include "models/Model.h"
#include "sim/data/TrainingData.h"
#include "sim/metrics/AtomicFile.h"
#include "sim/metrics/Columns.h"
#include "sim/net/Network.h"
#include "sim/runtime/Evaluator.h"
#include "sim/runtime/LearningRate.h"
#include "sim/runtime/Progress.h"

namespace sasgsim {
namespace {

// One forward/backward pass of the mean cross-entropy; the gradient lands in flat.grads().
torch::Tensor compute_gradient(Model& model, FlatParameters& flat, const Batch& batch) {
  flat.zero_grads();
  torch::Tensor loss =
      torch::nn::functional::cross_entropy(model.forward(batch.images), batch.labels);
  loss.backward();
  return loss.detach();
}

// Modelled seconds of one gradient (a forward+backward over a worker's minibatch) and of one
// top-k selection with error feedback, at speed 1: compute.model fixed or flops; else zero.
struct ModelledCost {
  double gradient_s = 0.0;
  double topk_s = 0.0;
};

ModelledCost modelled_cost(const Scenario& scenario, const TrainingData& data, int64_t numel) {
  const ComputeOptions& compute = scenario.compute;
  ModelledCost cost;
  if (compute.model == ComputeModelKind::kFixed) {
    cost.gradient_s = compute.batch_time_s;
    cost.topk_s = compute.topk_time_s;
  } else if (compute.model == ComputeModelKind::kFlops) {
    // A backward pass costs about twice a forward one.
    const double forward = static_cast<double>(
        forward_flops_per_sample(scenario.model, data.input_shape(), data.classes()));
    cost.gradient_s = 3.0 * forward * static_cast<double>(scenario.data.batch_size) /
                      compute.device_flops;
    cost.topk_s = compute.topk_flops_per_element * static_cast<double>(numel) /
                  compute.device_flops;
  }
  return cost;
}

}  // namespace

Trainer::Trainer(const Scenario& scenario, const AlgorithmOptions& algorithm, TrainingData& data,
                 Network& network, TrainerSettings settings)
    : scenario_(scenario),
      algorithm_(algorithm),
      data_(data),
      network_(network),
      settings_(std::move(settings)) {
  if (settings_.iterations < 1 || settings_.iterations_per_epoch < 1) {
    throw std::logic_error("Trainer: iterations and iterations_per_epoch must be >= 1");
  }
}

RunSummary Trainer::run() {
  const auto host_start = std::chrono::steady_clock::now();
  const torch::Device device = settings_.device;
  const int workers = scenario_.workers;
  const int64_t total_iterations = settings_.iterations;
  const TrainOptions& train = scenario_.train;

  // Identical initial weights and data order for every algorithm of the scenario.
  torch::manual_seed(scenario_.seed);
  data_.reset();
  std::shared_ptr<Model> model = make_model(scenario_.model, data_.input_shape(), data_.classes());
  std::shared_ptr<Model> scratch =
      make_model(scenario_.model, data_.input_shape(), data_.classes());
  model->to(device);
  scratch->to(device);
  model->train();
  scratch->train();
  FlatParameters flat(*model);
  FlatParameters flat_hat(*scratch);

  std::unique_ptr<Algorithm> algorithm =
      make_algorithm(algorithm_, workers, flat.slices(), device);
  const LearningRate schedule(train, settings_.iterations_per_epoch);

  // A shortened run may evaluate on eval_samples evenly spaced test samples only (evenly
  // spaced, so that a mixed test set such as MNIST + Fashion-MNIST keeps both parts).
  const int64_t test_size = data_.test().images.size(0);
  const int64_t evaluated = std::min(test_size, train.eval_samples.value_or(test_size));
  torch::Tensor test_images = data_.test().images;
  torch::Tensor test_labels = data_.test().labels;
  if (evaluated < test_size) {
    const torch::Tensor picked =
        torch::arange(evaluated, torch::kLong).mul_(test_size).div_(evaluated, "floor");
    test_images = test_images.index_select(0, picked);
    test_labels = test_labels.index_select(0, picked);
  }
  test_images = test_images.to(device);
  test_labels = test_labels.to(device);

  RunSummary summary;
  summary.algorithm = algorithm_.label;
  summary.kind = to_string(algorithm_.kind);
  summary.target_accuracy = train.target_accuracy;

  RunRecorder recorder(settings_.out_dir, network_, workers);
  Progress progress(settings_.progress_label, settings_.quiet);
  ProgressState state;
  state.total = total_iterations;

  std::vector<UploadRecord> uploads;
  uploads.reserve(workers);
  // Simulated compute time per worker and iteration (compute.model; none: all zero).
  const ComputeOptions& compute = scenario_.compute;
  const bool measured = compute.model == ComputeModelKind::kMeasured;
  const ModelledCost cost = modelled_cost(scenario_, data_, flat.values().numel());
  const double gradient_s = cost.gradient_s;
  const double topk_s = cost.topk_s;
  const bool sparse_every_step = algorithm_.kind == AlgorithmKind::kSparse;
  const bool sparse_on_upload = algorithm_.kind == AlgorithmKind::kSasg;
  using Clock = std::chrono::steady_clock;
  // On a GPU the work is queued asynchronously: wait for it before reading the clock.
  auto seconds_since = [](Clock::time_point start, const torch::Device& on) {
    if (on.is_cuda()) torch::cuda::synchronize();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  std::vector<double> worker_seconds(static_cast<size_t>(workers), 0.0);
  torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  int64_t losses_in_window = 0;

  for (int64_t t = 0; t < total_iterations; ++t) {
    IterationContext ctx;
    ctx.iteration = t;
    ctx.lr = schedule.at(t);
    ctx.threshold_lr = schedule.lagged(t);
    ctx.theta = flat.values();
    algorithm->begin_iteration(ctx);

    uploads.clear();
    std::fill(worker_seconds.begin(), worker_seconds.end(), 0.0);
    for (int m = 0; m < workers; ++m) {
      Clock::time_point start{};
      Batch batch = data_.next_batch(m);
      if (batch.images.device() != device) {
        batch.images = batch.images.to(device);
        batch.labels = batch.labels.to(device);
      }
      if (measured) {
        if (device.is_cuda()) torch::cuda::synchronize();
        start = Clock::now();
      }
      loss_sum += compute_gradient(*model, flat, batch);
      ++losses_in_window;
      double& worker_s = worker_seconds[static_cast<size_t>(m)];
      worker_s += gradient_s;
      torch::Tensor g_old;
      if (algorithm->needs_old_gradient(m)) {
        ++summary.aux_gradients;
        ++summary.gradients;
        flat_hat.view_values_of(algorithm->theta_hat(m));  // no copy: a view of theta_hat_m
        compute_gradient(*scratch, flat_hat, batch);
        g_old = flat_hat.grads();
        worker_s += gradient_s;
      }
      algorithm->stage_worker(m, flat.grads(), g_old);
      // measured: the gradients and the algorithm's own work (rule, top-k), as timed here.
      if (measured) worker_s = seconds_since(start, device);
    }
    // Decisions deferred by stage_worker (LASG and SASG on a GPU: one host transfer for all
    // workers); measured: their time is shared equally among the workers.
    const Clock::time_point decide_start = Clock::now();
    const std::vector<WorkerOutcome>& outcomes = algorithm->decide_workers();
    const double decide_s = measured ? seconds_since(decide_start, device) / workers : 0.0;
    double iteration_compute_s = 0.0;
    for (int m = 0; m < workers; ++m) {
      const WorkerOutcome& outcome = outcomes[static_cast<size_t>(m)];
      double worker_s = worker_seconds[static_cast<size_t>(m)] + decide_s;
      if (!measured && (sparse_every_step || (sparse_on_upload && outcome.uploaded))) {
        worker_s += topk_s;
      }
      iteration_compute_s = std::max(iteration_compute_s, worker_s / compute.speed_of(m));
      if (outcome.uploaded) {
        uploads.push_back(UploadRecord{m, outcome.values, outcome.payload_bytes, outcome.forced});
      }
    }
    summary.gradients += workers;
    // The synchronous server hears every worker's decision (upload or skip) before the
    // communication: the iteration's compute time is the slowest worker's.
    recorder.record_iteration(t, uploads, iteration_compute_s);

    {
      torch::NoGradGuard no_grad;
      torch::Tensor theta = flat.values();
      algorithm->server_step(theta);
    }
    summary.max_server_memory_bytes =
        std::max(summary.max_server_memory_bytes, algorithm->server_memory_bytes());

    const bool last = t + 1 == total_iterations;
    if ((t + 1) % train.eval_every == 0 || last) {
      const EvalResult eval = evaluate(*model, test_images, test_labels, train.eval_batch_size);
      const double train_loss =
          losses_in_window > 0 ? loss_sum.item<double>() / static_cast<double>(losses_in_window)
                               : 0.0;
      loss_sum.zero_();
      losses_in_window = 0;
      const double epoch = static_cast<double>(t + 1) /
                           static_cast<double>(settings_.iterations_per_epoch);
      EvaluationRecord row;
      row.iteration = t + 1;
      row.epoch = format_number(epoch);
      row.lr = format_number(ctx.lr);
      row.server_memory_bytes = std::to_string(algorithm->server_memory_bytes());
      row.train_loss = format_number(train_loss);
      row.test_loss = format_number(eval.loss);
      row.test_acc = format_number(eval.top1_pct);
      row.test_top5_acc = format_number(eval.top5_pct);
      const double tracked = train.target_top5 ? eval.top5_pct : eval.top1_pct;
      recorder.record_evaluation(
          row, train.target_accuracy.has_value() && tracked >= *train.target_accuracy);

      summary.final_test_acc = eval.top1_pct;
      summary.final_test_top5_acc = eval.top5_pct;
      summary.final_test_loss = eval.loss;
      state.test_acc = eval.top1_pct;
    }
    state.iteration = t + 1;
    state.rounds = recorder.counters().rounds;
    state.comm_time_s = recorder.counters().comm_time_s;
    progress.update(state);
  }
  progress.finish(state);

  summary.server_memory_bytes = algorithm->server_memory_bytes();
  recorder.finish(summary);
  summary.host_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
  return summary;
}

}  // namespace sasgsim
