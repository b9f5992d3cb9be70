#include "sim/runtime/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <torch/torch.h>

#include "algorithms/Algorithm.h"
#include "models/BatchedGradients.h"
#include "models/FlatParameters.h"
#include "models/Model.h"
#include "sim/checkpoint/Checkpoint.h"
#include "sim/data/TrainingData.h"
#include "sim/net/Network.h"
#include "sim/runtime/ComputeClock.h"
#include "sim/runtime/Evaluator.h"
#include "sim/runtime/LearningRate.h"
#include "sim/runtime/Progress.h"
#include "sim/scenario/Errors.h"

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

// A model's buffers (BatchNorm's running statistics), in place.
void visit_buffers(StateArchive& archive, const std::string& name, Model& model) {
  StateArchive::Scope scope(archive, name);
  for (auto& buffer : model.named_buffers()) archive.tensor(buffer.key(), buffer.value());
}

nlohmann::json traits_json(const AlgorithmTraits& t) {
  return {{"lazy", t.lazy},
          {"compresses", t.compresses},
          {"error_feedback", t.error_feedback},
          {"stores_vectors", t.stores_vectors}};
}

}  // namespace

Trainer::Trainer(const Scenario& scenario, const AlgorithmConfig& algorithm, TrainingData& data,
                 Network& network, TrainerSettings settings)
    : scenario_(scenario),
      config_(algorithm),
      data_(data),
      network_(network),
      settings_(std::move(settings)),
      schedule_(scenario.train, std::max<int64_t>(settings_.iterations_per_epoch, 1)) {
  if (settings_.iterations < 1 || settings_.iterations_per_epoch < 1) {
    throw std::logic_error("Trainer: iterations and iterations_per_epoch must be >= 1");
  }
}

Trainer::~Trainer() = default;

// The paper's Algorithm 1: every worker computes its gradient(s) at theta^t and decides what to
// upload; the network times the uploads; the server updates theta.
RunSummary Trainer::run() {
  host_start_ = last_checkpoint_ = std::chrono::steady_clock::now();
  set_up();
  const int64_t start = settings_.resume ? restore_checkpoint() : 0;
  Progress progress(settings_.progress_label, settings_.quiet);
  ProgressState state;
  state.total = settings_.iterations;
  for (int64_t t = start; t < settings_.iterations; ++t) {
    algorithm_->begin_iteration(context_at(t));
    clock_->begin_iteration();
    compute_workers();
    record_uploads(t);
    server_step();
    const bool evaluated = evaluation_due(t);
    if (evaluated) state.test_acc = evaluate_and_record(t);
    state.iteration = t + 1;
    state.rounds = recorder_->counters().rounds;
    state.comm_time_s = recorder_->counters().comm_time_s;
    progress.update(state);
    if (scenario_.train.stop_at_target && recorder_->reached_target()) break;
    if (evaluated && t + 1 < settings_.iterations && checkpoint_due()) save_checkpoint();
  }
  progress.finish(state);
  const ServerMemory memory = algorithm_->server_memory();
  summary_.server_memory_bytes = memory.total_bytes();
  summary_.server_memory_value_bytes = memory.value_bytes;
  recorder_->finish(summary_);
  std::filesystem::remove(checkpoint_file(settings_.out_dir));
  summary_.host_seconds = host_seconds();
  return summary_;
}

std::string checkpoint_file(const std::string& dir) { return dir + "/checkpoint.pt"; }

bool Trainer::checkpoint_due() const {
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                     last_checkpoint_).count();
  return since >= settings_.checkpoint_interval_s;
}

void Trainer::save_checkpoint() {
  write_checkpoint(checkpoint_file(settings_.out_dir),
                   [this](StateArchive& archive) { visit_state(archive); });
  last_checkpoint_ = std::chrono::steady_clock::now();
}

int64_t Trainer::restore_checkpoint() {
  const std::string file = checkpoint_file(settings_.out_dir);
  read_checkpoint(file, [this](StateArchive& archive) { visit_state(archive); });
  recorder_->resume();
  const int64_t next = recorder_->counters().iteration;
  if (next < 1 || next >= settings_.iterations) {
    throw DataError(fmt::format("{} stops at iteration {}, outside this run's 1 .. {}", file,
                                next, settings_.iterations - 1));
  }
  if (!settings_.quiet) {
    std::fprintf(stderr, "%s: resumed from %s at iteration %lld\n",
                 settings_.progress_label.c_str(), file.c_str(), static_cast<long long>(next));
  }
  return next;
}

double Trainer::host_seconds() const {
  return earlier_host_seconds_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start_).count();
}

// The model (parameters and buffers), LibTorch's random generators, the data streams, the
// algorithm, the recorder and the loop's own counters.
void Trainer::visit_state(StateArchive& archive) {
  {
    StateArchive::Scope scope(archive, "model");
    torch::Tensor theta = flat_->values();
    archive.tensor("theta", theta);
    visit_buffers(archive, "buffers", *model_);
    visit_buffers(archive, "scratch_buffers", *scratch_);
  }
  {
    StateArchive::Scope scope(archive, "random");
    at::Generator cpu = at::globalContext().defaultGenerator(torch::kCPU);
    archive.generator("cpu", cpu);
    if (!settings_.device.is_cpu()) {
      at::Generator device = at::globalContext().defaultGenerator(settings_.device);
      archive.generator("device", device);
    }
  }
  {
    StateArchive::Scope scope(archive, "data");
    data_.visit_state(archive);
  }
  {
    StateArchive::Scope scope(archive, "algorithm");
    algorithm_->visit_state(archive);
  }
  {
    StateArchive::Scope scope(archive, "recorder");
    recorder_->visit_state(archive);
  }
  StateArchive::Scope scope(archive, "trainer");
  visit_own_state(archive);
}

void Trainer::visit_own_state(StateArchive& archive) {
  archive.tensor("loss_sum", loss_sum_);
  archive.integer("losses_in_window", losses_in_window_);
  archive.integer("gradients", summary_.gradients);
  archive.integer("aux_gradients", summary_.aux_gradients);
  archive.integer("max_server_memory_bytes", summary_.max_server_memory_bytes);
  archive.integer("max_server_memory_value_bytes", summary_.max_server_memory_value_bytes);
  archive.number("final_test_acc", summary_.final_test_acc);
  archive.number("final_test_top5_acc", summary_.final_test_top5_acc);
  archive.number("final_test_loss", summary_.final_test_loss);
  double host = host_seconds();
  archive.number("host_seconds", host);
  if (archive.loading()) {
    earlier_host_seconds_ = host;
    host_start_ = std::chrono::steady_clock::now();
  }
}

void Trainer::set_up() {
  // A checkpoint left by an earlier run must not be taken for this one's.
  if (!settings_.resume) std::filesystem::remove(checkpoint_file(settings_.out_dir));
  // Identical initial weights and data order for every algorithm of the scenario.
  torch::manual_seed(scenario_.seed);
  data_.reset();
  model_ = make_model(scenario_.model, data_.input_shape(), data_.classes());
  scratch_ = make_model(scenario_.model, data_.input_shape(), data_.classes());
  for (Model* m : {model_.get(), scratch_.get()}) {
    m->to(settings_.device);
    m->train();
  }
  flat_ = std::make_unique<FlatParameters>(*model_);
  flat_hat_ = std::make_unique<FlatParameters>(*scratch_);
  algorithm_ = make_algorithm(
      config_, {scenario_.workers, flat_->slices(), settings_.device, scenario_.seed});
  clock_ = std::make_unique<ComputeClock>(scenario_, data_, flat_->values().numel(),
                                          settings_.device);
  recorder_ = std::make_unique<RunRecorder>(
      settings_.out_dir, network_, scenario_.workers,
      settings_.resume ? AtomicFile::Start::kContinue : AtomicFile::Start::kNew);
  if (scenario_.train.worker_gradients == WorkerGradientsKind::kBatched) {
    new_pass_ = make_batched_gradients(scenario_.model, flat_->slices(), settings_.device);
    old_pass_ = make_batched_gradients(scenario_.model, flat_->slices(), settings_.device);
  }
  if (new_pass_) {
    g_new_ = torch::empty_like(flat_->values());
    g_old_ = torch::empty_like(flat_->values());
  }
  select_test_set();
  loss_sum_ = torch::zeros(
      {}, torch::TensorOptions().dtype(torch::kFloat64).device(settings_.device));
  losses_in_window_ = 0;
  summary_ = RunSummary{};
  summary_.algorithm = config_.label;
  summary_.kind = config_.name();
  summary_.traits = traits_json(config_.type->traits_of(config_));
  summary_.target_accuracy = scenario_.train.target_accuracy;
}

// A shortened run may evaluate on eval_samples test samples only, evenly spaced so that a mixed
// test set such as MNIST + Fashion-MNIST keeps both parts.
void Trainer::select_test_set() {
  const int64_t test_size = data_.test().images.size(0);
  const int64_t evaluated = std::min(test_size, scenario_.train.eval_samples.value_or(test_size));
  test_images_ = data_.test().images;
  test_labels_ = data_.test().labels;
  if (evaluated < test_size) {
    const torch::Tensor picked =
        torch::arange(evaluated, torch::kLong).mul_(test_size).div_(evaluated, "floor");
    test_images_ = test_images_.index_select(0, picked);
    test_labels_ = test_labels_.index_select(0, picked);
  }
  test_images_ = test_images_.to(settings_.device);
  test_labels_ = test_labels_.to(settings_.device);
}

IterationContext Trainer::context_at(int64_t t) const {
  IterationContext ctx;
  ctx.iteration = t;
  ctx.lr = schedule_.at(t);
  ctx.threshold_lr = schedule_.lagged(t);
  ctx.theta = flat_->values();
  return ctx;
}

// Every worker's minibatch, then its gradients and the worker rule: all workers in one batched
// pass where that is possible, else one worker after another.
void Trainer::compute_workers() {
  std::vector<Batch> batches;
  for (int m = 0; m < scenario_.workers; ++m) {
    batches.push_back(data_.next_batch(m));
    Batch& batch = batches.back();
    if (batch.images.device() != settings_.device) {
      batch.images = batch.images.to(settings_.device);
      batch.labels = batch.labels.to(settings_.device);
    }
  }
  if (batched_now()) return compute_workers_batched(batches);
  for (int m = 0; m < scenario_.workers; ++m) compute_worker(m, batches[m]);
}

// The batched path takes every g_new at theta^t.
bool Trainer::batched_now() const {
  if (!new_pass_) return false;
  for (int m = 0; m < scenario_.workers; ++m) {
    if (algorithm_->gradient_point(m)) return false;
  }
  return true;
}

// The forward/backward passes of every g_new at theta^t, then of every g_old asked for (at
// each worker's auxiliary point); then, worker by worker, its gradients formed and the worker
// rule: the same gradients, to float rounding, and calls as compute_worker's. SGD gets the sum
// of the gradients alone.
void Trainer::compute_workers_batched(const std::vector<Batch>& batches) {
  const int workers = scenario_.workers;
  std::vector<torch::Tensor> images, labels;
  for (const Batch& b : batches) {
    if (b.labels.size(0) != batches[0].labels.size(0)) {
      throw std::logic_error("Trainer: the batched path needs minibatches of one size");
    }
    images.push_back(b.images);
    labels.push_back(b.labels);
  }
  clock_->begin_shared();
  const std::vector<torch::Tensor> at_theta(static_cast<size_t>(workers), flat_->values());
  loss_sum_ += new_pass_->prepare(at_theta, torch::cat(images), torch::cat(labels));
  if (algorithm_->sums_gradients()) {
    new_pass_->summed(g_new_);
    for (int m = 0; m < workers; ++m) count_gradient(m, false);
    algorithm_->stage_sum(g_new_);
    clock_->end_shared();
    return;
  }
  const std::vector<int> asked = prepare_auxiliary(batches);
  size_t next = 0;
  for (int m = 0; m < workers; ++m) {
    const bool has_old = next < asked.size() && asked[next] == m;
    count_gradient(m, has_old);
    if (has_old && algorithm_->takes_change()) {  // g_new formed only for an upload
      const double change = new_pass_->squared_change(m, *old_pass_, static_cast<int64_t>(next++));
      algorithm_->stage_change(m, change, [this, m]() -> const torch::Tensor& {
        new_pass_->gradient(m, g_new_);
        return g_new_;
      });
      continue;
    }
    new_pass_->gradient(m, g_new_);
    if (has_old) old_pass_->gradient(static_cast<int64_t>(next++), g_old_);
    algorithm_->stage_worker(m, g_new_, has_old ? g_old_ : torch::Tensor());
  }
  clock_->end_shared();
}

// The passes of the g_old the algorithm asks for, each at its worker's auxiliary point and on
// its minibatch; returns the workers that asked, in order.
std::vector<int> Trainer::prepare_auxiliary(const std::vector<Batch>& batches) {
  std::vector<int> asked;
  std::vector<torch::Tensor> points, images, labels;
  for (int m = 0; m < scenario_.workers; ++m) {
    if (const torch::Tensor* point = algorithm_->auxiliary_point(m)) {
      asked.push_back(m);
      points.push_back(*point);
      images.push_back(batches[m].images);
      labels.push_back(batches[m].labels);
    }
  }
  if (!asked.empty()) old_pass_->prepare(points, torch::cat(images), torch::cat(labels));
  return asked;
}

// Worker m's g_new (and its auxiliary g_old when `auxiliary`), in the counters and the clock.
void Trainer::count_gradient(int m, bool auxiliary) {
  ++losses_in_window_;
  ++summary_.gradients;
  clock_->gradient(m);
  if (!auxiliary) return;
  ++summary_.aux_gradients;
  ++summary_.gradients;
  clock_->gradient(m);
}

// Worker m: its gradient g_new (at theta^t, or where the algorithm takes it: the periodic
// rule's local model), and g_m(point) where the algorithm asks for it (the lazy rule's
// theta_hat_m), then the worker rule.
void Trainer::compute_worker(int m, const Batch& batch) {
  clock_->begin_worker(m);
  const torch::Tensor* local = algorithm_->gradient_point(m);
  loss_sum_ += local ? gradient_at(*local, batch) : compute_gradient(*model_, *flat_, batch);
  const torch::Tensor g_new = local ? flat_hat_->grads() : flat_->grads();
  const torch::Tensor* point = algorithm_->auxiliary_point(m);
  if (point && local) throw std::logic_error("an algorithm asked for a local and an auxiliary gradient");
  torch::Tensor g_old;
  if (point) {
    gradient_at(*point, batch);
    g_old = flat_hat_->grads();
  }
  count_gradient(m, point != nullptr);
  algorithm_->stage_worker(m, g_new, g_old);
  clock_->end_worker(m);
}

// The gradient at `point` (flat [n]) on the scratch model, into flat_hat_->grads(); the loss.
torch::Tensor Trainer::gradient_at(const torch::Tensor& point, const Batch& batch) {
  flat_hat_->view_values_of(point);  // no copy: the scratch model reads the point in place
  return compute_gradient(*scratch_, *flat_hat_, batch);
}

// Each upload starts when its worker's computation is done; the server starts receiving when
// its own is (a co-located worker 0's), and the next iteration waits for the slowest worker.
void Trainer::record_uploads(int64_t t) {
  clock_->begin_shared();
  const std::vector<WorkerOutcome>& outcomes = algorithm_->decide_workers();
  clock_->end_shared();
  const std::vector<double> computed_s = clock_->worker_seconds(outcomes);
  uploads_.clear();
  for (int m = 0; m < scenario_.workers; ++m) {
    const WorkerOutcome& o = outcomes[static_cast<size_t>(m)];
    if (o.uploaded) {
      uploads_.push_back(UploadRecord{m, o.values, o.payload_bytes, o.forced, computed_s[m]});
    }
  }
  ComputeSpan span;
  span.slowest_s = *std::max_element(computed_s.begin(), computed_s.end());
  span.worker0_s = computed_s[0];
  span.workers_s = computed_s;
  recorder_->record_iteration(t, uploads_, span);
}

void Trainer::server_step() {
  {
    torch::NoGradGuard no_grad;
    torch::Tensor theta = flat_->values();
    algorithm_->server_step(theta);
  }
  const ServerMemory memory = algorithm_->server_memory();
  summary_.max_server_memory_bytes =
      std::max(summary_.max_server_memory_bytes, memory.total_bytes());
  summary_.max_server_memory_value_bytes =
      std::max(summary_.max_server_memory_value_bytes, memory.value_bytes);
}

bool Trainer::evaluation_due(int64_t t) const {
  return (t + 1) % scenario_.train.eval_every == 0 || t + 1 == settings_.iterations;
}

double Trainer::evaluate_and_record(int64_t t) {
  const TrainOptions& train = scenario_.train;
  const EvalResult eval = evaluate(*model_, test_images_, test_labels_, train.eval_batch_size);
  const double train_loss =
      losses_in_window_ > 0 ? loss_sum_.item<double>() / static_cast<double>(losses_in_window_)
                            : 0.0;
  loss_sum_.zero_();
  losses_in_window_ = 0;
  EvaluationRecord row;
  row.iteration = t + 1;
  row.epoch = format_number(static_cast<double>(t + 1) /
                            static_cast<double>(settings_.iterations_per_epoch));
  row.lr = format_number(schedule_.at(t));
  row.server_memory_bytes = std::to_string(algorithm_->server_memory().total_bytes());
  row.train_loss = format_number(train_loss);
  row.test_loss = format_number(eval.loss);
  row.test_acc = format_number(eval.top1_pct);
  row.test_top5_acc = format_number(eval.top5_pct);
  const double tracked = train.target_top5 ? eval.top5_pct : eval.top1_pct;
  recorder_->record_evaluation(
      row, train.target_accuracy.has_value() && reaches_target(tracked, *train.target_accuracy));
  summary_.final_test_acc = eval.top1_pct;
  summary_.final_test_top5_acc = eval.top5_pct;
  summary_.final_test_loss = eval.loss;
  return eval.top1_pct;
}

}  // namespace sasgsim
