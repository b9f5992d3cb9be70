// The "compute" section: how long the workers' computation takes in simulated time.
#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

// Physical ranges, so that no compute time overflows the simulated clock: a device from a
// microcontroller's 1 MFLOP/s to 1 EFLOP/s, workers up to 1000 times slower or faster than
// nominal, a top-k cost up to a million FLOPs per parameter.
constexpr NumberRange kSpeedRange{1e-3, 1e3, true, true, false, false};
constexpr NumberRange kDeviceFlopsRange{1e6, 1e18, true, true, false, false};
constexpr NumberRange kTopkFlopsRange{0.0, 1e6, true, true, false, false};

// The entries of compute.per_worker: {"speed": number > 0}.
const Section<double>& worker_speed_section() {
  static const Section<double> keys = [] {
    Section<double> s;
    s.number("speed", [](double& speed) -> double& { return speed; }, kSpeedRange)
        .required()
        .example("0.5")
        .meaning("Relative speed of the worker's device: 1 = nominal, 0.25 = its compute takes 4 "
                 "times as long, 2 = half as long.");
    s.hint("bandwidth", "a worker's link is set in \"network.per_worker\", not here");
    s.hint("latency", "a worker's link is set in \"network.per_worker\", not here");
    s.hint("batch_time", "times are set for all workers; \"speed\" scales them per worker");
    s.hint("device_flops", "device_flops is set for all workers; \"speed\" scales it per worker");
    return s;
  }();
  return keys;
}

}  // namespace

const Section<ComputeOptions>& compute_section() {
  static const Section<ComputeOptions> keys = [] {
    Section<ComputeOptions> s;
    s.choice("model", &ComputeOptions::model)
        .alias("type")
        .alias("kind")
        .meaning("How compute time is obtained: none; given times; timed on this machine; "
                 "computed from the model's FLOPs.");
    s.time("batch_time", &ComputeOptions::batch_time_s, positive_time_range())
        .when("model", {"fixed"})
        .required_when("model", {"fixed"})
        .example("\"5ms\"")
        .meaning("One gradient: a forward and backward pass over a worker's minibatch "
                 "(`data.batch_size` samples).");
    s.time("topk_time", &ComputeOptions::topk_time_s)
        .when("model", {"fixed"})
        .meaning("One top-k selection with error feedback.");
    s.number("device_flops", &ComputeOptions::device_flops, kDeviceFlopsRange)
        .when("model", {"flops"})
        .required_when("model", {"flops"})
        .example("2e11")
        .unit("FLOP/s")
        .alias("flops", "FLOP/s of a worker's device")
        .meaning("Effective floating-point operations per second of a worker's device (peak "
                 "times a realistic utilisation).");
    s.number("topk_flops_per_element", &ComputeOptions::topk_flops_per_element,
             kTopkFlopsRange)
        .when("model", {"flops"})
        .unit("FLOPs per parameter")
        .meaning("Cost of one top-k selection with error feedback, per model parameter.");
    s.worker_map("per_worker", &ComputeOptions::speed, worker_speed_section(),
                 [](const ComputeOptions&) { return 1.0; }, "{\"3\": {\"speed\": 0.5}}",
                 "it is set per worker in \"compute.per_worker\", e.g. {\"3\": {\"{key}\": 0.5}}")
        .when("model", {"fixed", "measured", "flops"})
        .meaning("Relative speed per worker; workers not listed have speed 1.");
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
