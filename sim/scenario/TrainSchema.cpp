// The "train" section: length, learning rate and its schedule, evaluation and the target.
#include <limits>

#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
// Epochs as a physical range: a million epochs of any dataset is far beyond a study's length,
// and keeps epochs x iterations per epoch exact as an integer.
const NumberRange kEpochRange = NumberRange::open_closed(0.0, 1e6);

bool read_milestones(const json& v, const std::string& path, const SchemaPlace&,
                     ParseContext& ctx, LrSchedule& out) {
  std::optional<std::vector<double>> milestones =
      read_numbers(v, kEpochRange, path, ctx.issues);
  if (!milestones) return false;
  if (milestones->empty()) {
    ctx.issues.push_back({path, "expected at least one milestone epoch, got []"});
    return false;
  }
  bool increasing = true;
  for (size_t i = 1; i < milestones->size(); ++i) {
    if (!((*milestones)[i] > (*milestones)[i - 1])) {
      ctx.issues.push_back({JsonReader::index_path(path, i),
                            "milestones must increase: " +
                                JsonReader::format_number((*milestones)[i]) + " follows " +
                                JsonReader::format_number((*milestones)[i - 1])});
      increasing = false;
    }
  }
  if (increasing) out.milestones_epochs = std::move(*milestones);
  return increasing;
}

const Section<LrSchedule>& lr_schedule_section() {
  static const Section<LrSchedule> keys = [] {
    Section<LrSchedule> s;
    s.choice("type", &LrSchedule::kind)
        .meaning("`step`: alpha is multiplied by `gamma` at each milestone.");
    s.custom("milestones", read_milestones,
             [](const LrSchedule& l) { return json(l.milestones_epochs); })
        .when("type", {"step"})
        .required_when("type", {"step"})
        .example("[20]")
        .type("array of numbers")
        .unit("epochs")
        .allowed("each " + range_markdown(kEpochRange) + ", strictly increasing")
        .schema({{"type", "array"}, {"minItems", 1}, {"items", number_schema(kEpochRange)}})
        .meaning("Epochs at which alpha is multiplied by `gamma` (the paper's CIFAR-10 runs: "
                 "`[20]`).");
    s.number("gamma", &LrSchedule::gamma, NumberRange::open_closed(0.0, 1.0))
        .when("type", {"step"})
        .meaning("Factor applied at each milestone.");
    return s;
  }();
  return keys;
}

// "constant" and "step" are short for {"type": ...}.
bool read_lr_schedule(const json& v, const std::string& path, const SchemaPlace& place,
                      ParseContext& ctx, TrainOptions& out) {
  const json object = v.is_string() ? json{{"type", v}} : v;
  return lr_schedule_section().parse(object, path, place.child("lr_schedule", ""), ctx,
                                     out.lr_schedule);
}

void check_length_and_target(SectionScope<TrainOptions>& scope) {
  const bool iterations = scope.given("iterations");
  const bool epochs = scope.given("epochs");
  if (iterations && epochs) {
    scope.reader.add_issue("", "give either \"iterations\" or \"epochs\", not both");
  } else if (!iterations && !epochs) {
    scope.reader.add_issue("", "missing the training length: give either \"iterations\" (an "
                               "integer >= 1) or \"epochs\" (a number > 0)");
  }
  if (scope.ok("target_top5") && scope.value.target_top5 && !scope.given("target_accuracy")) {
    scope.reader.add_issue("target_top5", "target_top5 compares target_accuracy with the top-5 "
                                          "accuracy, but there is no target_accuracy; add one or "
                                          "remove target_top5");
  }
  if (scope.ok("stop_at_target") && scope.value.stop_at_target &&
      !scope.given("target_accuracy")) {
    scope.reader.add_issue("stop_at_target", "stop_at_target ends the run at the target "
                                             "accuracy, but there is no target_accuracy; add "
                                             "one or remove stop_at_target");
  }
}

}  // namespace

const Section<TrainOptions>& train_section() {
  static const Section<TrainOptions> keys = [] {
    Section<TrainOptions> s;
    s.integer("iterations", &TrainOptions::iterations, 1, kMaxInt)
        .defaults("-")
        .replaces({"epochs"})
        .meaning("Training length in iterations (one iteration = every worker computes one "
                 "minibatch gradient, the server updates once). Give exactly one of "
                 "`iterations` and `epochs`.");
    s.number("epochs", &TrainOptions::epochs, kEpochRange)
        .defaults("-")
        .replaces({"iterations"})
        .meaning("Training length in epochs; one epoch is floor(training samples / (workers x "
                 "batch_size)) iterations (600 for MNIST with M = b = 10).");
    s.number("lr", &TrainOptions::lr, NumberRange::positive())
        .required()
        .example("0.005")
        .alias("alpha", "the paper's alpha")
        .meaning("alpha, the learning rate.");
    s.custom("lr_schedule", read_lr_schedule,
             [](const TrainOptions& t) { return lr_schedule_section().write(t.lr_schedule); })
        .type("object or string")
        .shorthand("type")
        .child({"", &lr_schedule_section(), "", ""})
        .meaning("How alpha changes; `\"constant\"` and `\"step\"` are short for "
                 "`{\"type\": ...}`.");
    s.integer("eval_every", &TrainOptions::eval_every, 1, kMaxInt)
        .unit("iterations")
        .meaning("Iterations between test-set evaluations (larger than the run is fine: then "
                 "only the final evaluation).");
    s.integer("eval_batch_size", &TrainOptions::eval_batch_size, 1, 1000000)
        .unit("samples")
        .meaning("Samples per forward pass during evaluation (affects speed and memory, not "
                 "results).");
    s.integer("eval_samples", &TrainOptions::eval_samples, 1, 100000000)
        .defaults("all")
        .unit("samples")
        .meaning("Evaluate on N evenly spaced test samples only (sample i x size / N for i < N, "
                 "so a mixed test set keeps every part), to shorten a run; accuracies are then "
                 "over those N samples.");
    s.number("target_accuracy", &TrainOptions::target_accuracy,
             NumberRange::open_closed(0.0, 100.0))
        .defaults("none")
        .unit("percent")
        .meaning("The target is reached by the first evaluation whose accuracy is strictly above "
                 "it (as the paper's code tests `acc > target`); that evaluation defines "
                 "iterations, rounds, bits and time to target in the summary.");
    s.boolean("target_top5", &TrainOptions::target_top5)
        .meaning("Compare the target with the top-5 accuracy instead of top-1 (the paper's "
                 "CIFAR-100 runs); needs `target_accuracy`.");
    s.boolean("stop_at_target", &TrainOptions::stop_at_target)
        .meaning("End the run at the first evaluation that reaches `target_accuracy` (needs "
                 "it): the to-target figures are those of a full run, the totals and curves "
                 "stop there. Saves the time of studies that only compare cost to target.");
    s.choice("worker_gradients", &TrainOptions::worker_gradients)
        .meaning("`batched`: every worker's gradients of an iteration in one pass over the "
                 "M x b samples (batched matrix products, per-worker results), where the model "
                 "has such a path (`fc512`; `cnn` on CUDA only, its grouped convolutions being "
                 "slower than per-worker passes on the CPU) and the algorithm takes every "
                 "worker's gradient at "
                 "theta^t (not the periodic rule); otherwise, and with `per_worker`, one "
                 "forward/backward pass per worker. The two agree to float rounding "
                 "(tests/runtime/test_BatchedGradients.cpp); `per_worker` is for comparison "
                 "and debugging.");
    json exactly_one = {{"oneOf", json::array({{{"required", {"iterations"}}},
                                               {{"required", {"epochs"}}}})}};
    s.check(check_length_and_target, exactly_one);
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
