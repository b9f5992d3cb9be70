// The "data" section: dataset sources (data itself and data.second), synthetic data,
// partition, minibatches and augmentation.
#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

std::vector<json> file_datasets() {
  std::vector<json> names;
  for (DatasetKind kind : dataset_kinds()) {
    if (kind != DatasetKind::kSynthetic) names.emplace_back(to_string(kind));
  }
  return names;
}

bool read_shape(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
                SyntheticOptions& out) {
  if (!v.is_array() || v.size() != 3) {
    ctx.issues.push_back({path, "expected [C, H, W]: 3 integers in 1..4096, got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  std::vector<int64_t> dims;
  for (size_t i = 0; i < 3; ++i) {
    if (auto d = JsonReader::as_integer(v[i], 1, 4096, JsonReader::index_path(path, i), ctx.issues)) {
      dims.push_back(*d);
    }
  }
  if (dims.size() != 3) return false;
  out.shape = dims;
  return true;
}

bool read_path(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
               DatasetSource& out) {
  if (!v.is_string() || v.get<std::string>().empty()) {
    ctx.issues.push_back({path, "expected a directory path (a non-empty string), got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  if (std::string problem = utf8_problem(v.get<std::string>()); !problem.empty()) {
    ctx.issues.push_back({path, std::move(problem)});
    return false;
  }
  out.path = dataset_directory(v.get<std::string>());
  return true;
}

// Defaults that follow the dataset (path, normalization), and one normalization value per
// channel.
void complete_source(SectionScope<DatasetSource>& scope) {
  DatasetSource& src = scope.value;
  if (!scope.ok("dataset")) return;
  const bool synthetic = src.kind == DatasetKind::kSynthetic;
  const DatasetFacts& facts = dataset_facts(src.kind);
  const bool shape_ok = !synthetic || scope.ok("synthetic");
  const int64_t channels = synthetic ? (shape_ok ? src.synthetic.shape[0] : 0) : facts.channels;
  if (!synthetic && !scope.given("path")) src.path = dataset_directory(facts.default_path);
  const std::string channels_of = synthetic ? "synthetic.shape[0]" : to_string(src.kind);
  auto complete = [&](const char* key, std::vector<double>& values,
                      const std::vector<double>& usual, double synthetic_value) {
    if (values.empty()) {
      values = synthetic ? std::vector<double>(static_cast<size_t>(channels), synthetic_value)
                         : usual;
      return;
    }
    if (channels <= 0 || static_cast<int64_t>(values.size()) == channels) return;
    scope.ctx.issues.push_back({scope.reader.path_of("normalize") + "." + key,
                                "expected " + std::to_string(channels) + " value" +
                               (channels == 1 ? "" : "s") + " (one per channel: " + channels_of +
                               " has " + std::to_string(channels) + "), got " +
                                    std::to_string(values.size())});
  };
  complete("mean", src.mean, facts.mean, 0.0);
  complete("std", src.std, facts.std, 1.0);
}

const Section<DatasetSource>& normalize_section() {
  static const Section<DatasetSource> keys = [] {
    Section<DatasetSource> s;
    s.numbers("mean", &DatasetSource::mean, NumberRange::any())
        .defaults("per dataset")
        .meaning("Per-channel mean subtracted from pixel values in [0, 1].");
    s.numbers("std", &DatasetSource::std, NumberRange::positive())
        .defaults("per dataset")
        .meaning("Per-channel standard deviation the centred values are divided by.");
    return s;
  }();
  return keys;
}

const Section<AugmentOptions>& augment_section() {
  static const Section<AugmentOptions> keys = [] {
    Section<AugmentOptions> s;
    s.integer("crop_padding", &AugmentOptions::crop_padding, 0, 1024)
        .unit("pixels")
        .alias("crop")
        .meaning("Random crop back to the original size after zero padding by this many pixels "
                 "on each side; 0 = off (the paper's CIFAR runs use 4).");
    s.boolean("horizontal_flip", &AugmentOptions::horizontal_flip)
        .alias("flip")
        .meaning("Random horizontal flip with probability 0.5.");
    const std::string rotation = "random rotation in [-d, d] degrees";
    s.number("rotation_degrees", &AugmentOptions::rotation_degrees,
             NumberRange{0.0, 180.0, true, true, false, false})
        .unit("degrees")
        .alias("rotate", rotation)
        .alias("rotation", rotation)
        .alias("random_rotation", rotation)
        .meaning("Random rotation by an angle drawn uniformly from [-d, d] (counter-clockwise "
                 "positive) about the image centre, nearest-neighbour sampling, corners filled "
                 "with black (as torchvision's `RandomRotation(d)`); 0 = off (the paper's "
                 "CIFAR-100 runs use 15).");
    return s;
  }();
  return keys;
}

}  // namespace

const Section<SyntheticOptions>& synthetic_section() {
  static const Section<SyntheticOptions> keys = [] {
    Section<SyntheticOptions> s;
    s.integer("train_size", &SyntheticOptions::train_size, 1, 10000000)
        .unit("samples")
        .meaning("Training samples.");
    s.integer("test_size", &SyntheticOptions::test_size, 1, 10000000)
        .unit("samples")
        .meaning("Test samples.");
    s.integer("classes", &SyntheticOptions::classes, 2, 100000).meaning("Number of classes.");
    s.custom("shape", read_shape, [](const SyntheticOptions& o) { return json(o.shape); })
        .type("array of 3 integers")
        .allowed("each 1 .. 4096")
        .schema({{"type", "array"},
                 {"items", integer_schema(1, 4096)},
                 {"minItems", 3},
                 {"maxItems", 3}})
        .meaning("Sample shape C, H, W.");
    s.number("noise", &SyntheticOptions::noise, NumberRange::non_negative())
        .meaning("Standard deviation of the noise around each class mean.");
    return s;
  }();
  return keys;
}

const Section<DatasetSource>& dataset_source_section() {
  static const Section<DatasetSource> keys = [] {
    Section<DatasetSource> s;
    s.choice("dataset", &DatasetSource::kind).required().meaning("The training and test data.");
    s.custom("path", read_path, [](const DatasetSource& d) { return json(d.path); })
        .when("dataset", file_datasets())
        .type("string")
        .defaults("per dataset, see below")
        .allowed("non-empty directory path")
        .schema({{"type", "string"}, {"minLength", 1}})
        .meaning("Where the dataset files are. Relative paths are relative to the current "
                 "directory (not to the scenario file); the resolved scenario holds the absolute "
                 "path.");
    s.object("normalize", [](DatasetSource& d) -> DatasetSource& { return d; },
             normalize_section())
        .defaults("per dataset, see below")
        .meaning("Per-channel normalization `(x - mean) / std` of pixel values in [0, 1]: one "
                 "value per channel (1 for MNIST and Fashion-MNIST, 3 for CIFAR, "
                 "`synthetic.shape[0]` for synthetic data), either key optional.");
    s.object("synthetic", &DatasetSource::synthetic, synthetic_section())
        .when("dataset", {"synthetic"})
        .keys_documented_elsewhere()
        .defaults("see below")
        .meaning("Generated data, for tests and quick experiments without downloads.");
    s.check(complete_source);
    return s;
  }();
  return keys;
}

const Section<DataOptions>& data_section() {
  static const Section<DataOptions> keys = [] {
    Section<DataOptions> s;
    s.include(dataset_source_section(), &DataOptions::primary);
    s.choice("partition", &DataOptions::partition)
        .meaning("How the training set is split among the workers. `iid`: one random permutation "
                 "cut into M contiguous equal shards (the paper's split). `by_dataset`: "
                 "even-numbered workers hold `dataset`, odd-numbered ones `second` (needs "
                 "workers >= 2). `dirichlet`: label skew with Dirichlet(`dirichlet_alpha`) class "
                 "proportions per worker.");
    s.number("dirichlet_alpha", &DataOptions::dirichlet_alpha, NumberRange::positive())
        .when("partition", {"dirichlet"})
        .meaning("Concentration of the label skew: small values give each worker few classes.");
    s.object("second", &DataOptions::secondary, dataset_source_section())
        .when("partition", {"by_dataset"})
        .required_when("partition", {"by_dataset"})
        .example("{\"dataset\": \"mnist\"}")
        .keys_documented_elsewhere()
        .defaults("none")
        .meaning("The odd-numbered workers' dataset: keys `dataset` (required), `path`, "
                 "`normalize`, `synthetic`, with the same meaning and defaults as above. Samples "
                 "of both datasets are brought to one shape (grayscale replicated to 3 channels, "
                 "zero padding to the larger size).");
    s.integer("batch_size", &DataOptions::batch_size, 1, 1000000)
        .unit("samples")
        .alias("b", "the paper's b")
        .meaning("b, samples per worker per iteration. workers x batch_size must not exceed the "
                 "training set (per dataset under `by_dataset`); `resnet18` needs >= 2 "
                 "(BatchNorm).");
    s.object("augment", &DataOptions::augment, augment_section())
        .meaning("Random augmentation of training minibatches.");
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
