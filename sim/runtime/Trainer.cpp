#include "sim/runtime/Trainer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
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

template <size_t N>
std::string csv_header(const std::array<const char*, N>& names) {
  std::string line;
  for (size_t i = 0; i < N; ++i) {
    if (i) line += ',';
    line += names[i];
  }
  line += '\n';
  return line;
}

// Doubles are written with 9 significant digits: enough to tell float32 values apart and
// stable, so identical runs give byte-identical files.
std::string num(double v) { return fmt::format("{:.9g}", v); }

// One forward/backward pass of the mean cross-entropy; the gradient lands in flat.grads().
torch::Tensor compute_gradient(Model& model, FlatParameters& flat, const Batch& batch) {
  flat.zero_grads();
  torch::Tensor loss =
      torch::nn::functional::cross_entropy(model.forward(batch.images), batch.labels);
  loss.backward();
  return loss.detach();
}

}  // namespace

nlohmann::json RunSummary::to_json() const {
  nlohmann::json j = {
      {"algorithm", algorithm},
      {"kind", kind},
      {"iterations", total.iteration},
      {"rounds", total.rounds},
      {"skipped", total.skipped},
      {"paper_bits", total.paper_bits},
      {"payload_bytes", total.payload_bytes},
      {"wire_bytes", total.wire_bytes},
      {"comm_time_s", total.comm_time_s},
      {"final_test_acc", final_test_acc},
      {"final_test_top5_acc", final_test_top5_acc},
      {"final_test_loss", final_test_loss},
      {"server_memory_bytes", server_memory_bytes},
      {"max_server_memory_bytes", max_server_memory_bytes},
  };
  j["network"] = network;
  j["target_accuracy"] = target_accuracy ? nlohmann::json(*target_accuracy) : nlohmann::json();
  const bool reached = at_target.has_value();
  auto field = [&](auto getter) {
    return reached ? nlohmann::json(getter(*at_target)) : nlohmann::json();
  };
  if (target_accuracy) {
    j["iterations_to_target"] = field([](const Counters& c) { return c.iteration; });
    j["rounds_to_target"] = field([](const Counters& c) { return c.rounds; });
    j["paper_bits_to_target"] = field([](const Counters& c) { return c.paper_bits; });
    j["payload_bytes_to_target"] = field([](const Counters& c) { return c.payload_bytes; });
    j["wire_bytes_to_target"] = field([](const Counters& c) { return c.wire_bytes; });
    j["comm_time_to_target_s"] = field([](const Counters& c) { return c.comm_time_s; });
  }
  return j;
}

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

  const torch::Tensor test_images = data_.test().images.to(device);
  const torch::Tensor test_labels = data_.test().labels.to(device);

  RunSummary summary;
  summary.algorithm = algorithm_.label;
  summary.kind = to_string(algorithm_.kind);
  summary.target_accuracy = train.target_accuracy;

  const std::string dir = settings_.out_dir;
  // Results of an earlier run in the same directory must not pass for this run's: summary.json
  // marks a finished run, so it goes first.
  for (const char* stale : {"summary.json", "metrics.csv", "uploads.csv"}) {
    std::filesystem::remove(std::filesystem::path(dir) / stale);
  }
  AtomicFile uploads_file(dir + "/uploads.csv");
  std::ostream& uploads_out = uploads_file.stream();
  uploads_out << csv_header(columns::kUploads);
  std::string metrics_text = csv_header(columns::kMetrics);

  Progress progress(settings_.progress_label, settings_.quiet);
  ProgressState state;
  state.total = total_iterations;

  Counters counters;
  std::vector<Upload> uploads;
  std::vector<WorkerOutcome> outcomes;
  uploads.reserve(workers);
  outcomes.reserve(workers);
  torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  int64_t losses_in_window = 0;
  int64_t uploads_in_window = 0;
  double last_iteration_comm_s = 0.0;

  for (int64_t t = 0; t < total_iterations; ++t) {
    IterationContext ctx;
    ctx.iteration = t;
    ctx.lr = schedule.at(t);
    ctx.threshold_lr = schedule.lagged(t);
    ctx.theta = flat.values();
    algorithm->begin_iteration(ctx);

    uploads.clear();
    outcomes.clear();
    for (int m = 0; m < workers; ++m) {
      Batch batch = data_.next_batch(m);
      if (batch.images.device() != device) {
        batch.images = batch.images.to(device);
        batch.labels = batch.labels.to(device);
      }
      loss_sum += compute_gradient(*model, flat, batch);
      ++losses_in_window;
      torch::Tensor g_old;
      if (algorithm->needs_old_gradient(m)) {
        flat_hat.view_values_of(algorithm->theta_hat(m));  // no copy: a view of theta_hat_m
        compute_gradient(*scratch, flat_hat, batch);
        g_old = flat_hat.grads();
      }
      WorkerOutcome outcome = algorithm->worker_step(m, flat.grads(), g_old);
      if (outcome.uploaded) {
        uploads.push_back(Upload{m, outcome.payload_bytes});
        outcomes.push_back(outcome);
        ++counters.rounds;
        counters.paper_bits += 32 * outcome.values;
        counters.payload_bytes += outcome.payload_bytes;
      } else {
        ++counters.skipped;
      }
    }

    const auto network_start = std::chrono::steady_clock::now();
    const TransferResult timing = network_.transfer(t, uploads);
    summary.network_host_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - network_start).count();
    if (timing.finish_s.size() != uploads.size()) {
      throw std::logic_error("network backend returned the wrong number of finish times");
    }
    counters.comm_time_s += timing.comm_time_s;
    counters.wire_bytes += timing.wire_bytes;
    last_iteration_comm_s = timing.comm_time_s;
    uploads_in_window += static_cast<int64_t>(uploads.size());
    for (size_t i = 0; i < uploads.size(); ++i) {
      uploads_out << t << ',' << uploads[i].worker << ',' << outcomes[i].values << ','
                  << uploads[i].payload_bytes << ',' << (outcomes[i].forced ? 1 : 0) << ','
                  << num(timing.finish_s[i]) << '\n';
    }

    {
      torch::NoGradGuard no_grad;
      torch::Tensor theta = flat.values();
      algorithm->server_step(theta);
    }
    counters.iteration = t + 1;
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
      metrics_text += fmt::format(
          "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", t + 1, num(epoch), num(ctx.lr),
          counters.rounds, counters.skipped, counters.paper_bits, counters.payload_bytes,
          counters.wire_bytes, num(counters.comm_time_s), num(last_iteration_comm_s),
          algorithm->server_memory_bytes(), num(train_loss), num(eval.loss), num(eval.top1_pct),
          num(eval.top5_pct), uploads_in_window);
      uploads_in_window = 0;
      // Rewritten whole at every evaluation so a long run always has readable metrics.
      write_file_atomically(dir + "/metrics.csv", metrics_text);

      summary.final_test_acc = eval.top1_pct;
      summary.final_test_top5_acc = eval.top5_pct;
      summary.final_test_loss = eval.loss;
      const double tracked = train.target_top5 ? eval.top5_pct : eval.top1_pct;
      if (train.target_accuracy && !summary.at_target && tracked >= *train.target_accuracy) {
        summary.at_target = counters;
      }
      state.test_acc = eval.top1_pct;
    }
    state.iteration = t + 1;
    state.rounds = counters.rounds;
    state.comm_time_s = counters.comm_time_s;
    progress.update(state);
  }
  progress.finish(state);

  summary.total = counters;
  summary.server_memory_bytes = algorithm->server_memory_bytes();
  summary.network = network_.summary();
  uploads_file.commit();
  write_file_atomically(dir + "/summary.json", summary.to_json().dump(2) + "\n");
  summary.host_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
  return summary;
}

}  // namespace sasgsim
