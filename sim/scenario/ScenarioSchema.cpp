// The top level of a scenario: run-wide keys, the "algorithms" list, multi-seed runs, the sweep
// block, and the checks that combine sections (batch size against the dataset, BatchNorm).
#include "sim/scenario/ScenarioSchema.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "algorithms/Catalog.h"

namespace sasgsim {
namespace {

using nlohmann::json;

constexpr int64_t kMaxWorkers = 1024;
constexpr int64_t kMaxThreads = 1024;

std::string name_problem(const std::string& name) { return safe_name_problem("name", name); }

// Seeds use the whole unsigned 64-bit range, beyond what JsonReader::as_integer reads.
std::optional<uint64_t> as_seed(const json& v, const std::string& path, ParseContext& ctx) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d >= 0.0 && d < 18446744073709551616.0 && d == std::floor(d)) {
      return static_cast<uint64_t>(d);
    }
  }
  ctx.issues.push_back({path, "expected a non-negative integer, got " +
                                  JsonReader::describe_value(v, !v.is_number())});
  return std::nullopt;
}

bool read_seed(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
               Scenario& out) {
  const std::optional<uint64_t> seed = as_seed(v, path, ctx);
  if (seed) out.seed = *seed;
  return seed.has_value();
}

bool read_seeds(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
                Scenario& out) {
  if (!v.is_array() || v.empty()) {
    ctx.issues.push_back({path, "expected a non-empty list of seeds, e.g. [1, 19, 31, 42, 80], "
                                "got " + JsonReader::describe_value(v, true)});
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string item = JsonReader::index_path(path, i);
    const std::optional<uint64_t> seed = as_seed(v[i], item, ctx);
    if (seed && std::find(out.seeds.begin(), out.seeds.end(), *seed) != out.seeds.end()) {
      ctx.issues.push_back({item, "seed " + std::to_string(*seed) + " appears twice"});
    } else if (seed) {
      out.seeds.push_back(*seed);
    }
    ok = ok && seed.has_value();
  }
  if (!out.seeds.empty()) out.seed = out.seeds.front();
  return ok;
}

bool read_workers(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
                  Scenario& out) {
  const std::optional<int64_t> workers = JsonReader::as_integer(v, 1, kMaxWorkers, path, ctx.issues);
  if (workers) out.workers = static_cast<int>(*workers);
  ctx.workers = workers;
  return workers.has_value();
}

std::vector<std::string> algorithm_names() {
  std::vector<std::string> names;
  for (const AlgorithmType* type : algorithm_catalog()) names.emplace_back(type->name());
  return names;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + JsonReader::quote(n);
  return s;
}

// One element of "algorithms": a name, or an object with "name".
std::optional<AlgorithmConfig> read_algorithm(const json& v, const std::string& path,
                                              ParseContext& ctx) {
  const std::vector<std::string> names = algorithm_names();
  if (!v.is_string() && !v.is_object()) {
    ctx.issues.push_back({path, "expected an algorithm name (" + quoted_list(names) +
                                    ") or an object with \"name\", got " +
                                    JsonReader::describe_value(v, true)});
    return std::nullopt;
  }
  // A composed entry ({"rule": ..., "compressor": ...}) may leave its name out.
  static const json composed = ComposedOptions::kName;
  const json* name = v.is_string() ? &v
                     : v.contains("name") ? &v["name"]
                     : v.contains("rule") ? &composed
                                          : nullptr;
  const std::string name_path = v.is_string() ? path : path + ".name";
  if (name == nullptr) {
    ctx.issues.push_back({name_path, "missing required key: expected one of " + quoted_list(names)});
    return std::nullopt;
  }
  const std::optional<std::string> chosen = JsonReader::as_choice(*name, names, name_path, ctx.issues);
  if (!chosen) return std::nullopt;
  json entry = v.is_string() ? json{{"name", v}} : v;
  if (!entry.contains("name")) entry["name"] = composed;
  AlgorithmConfig config;
  if (!find_algorithm_type(*chosen)->parse(entry, path, ctx, config)) return std::nullopt;
  return config;
}

bool read_algorithms(const json& v, const std::string& path, const SchemaPlace&,
                     ParseContext& ctx, Scenario& out) {
  if (!v.is_array()) {
    ctx.issues.push_back({path, "expected a list of algorithms, e.g. [\"sgd\", \"sasg\"], got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  if (v.empty()) {
    ctx.issues.push_back({path, "expected at least one algorithm, got an empty list"});
    return false;
  }
  const size_t issues_before = ctx.issues.size();
  std::map<std::string, size_t> first_with_label;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string item = JsonReader::index_path(path, i);
    std::optional<AlgorithmConfig> config = read_algorithm(v[i], item, ctx);
    if (!config) continue;
    const auto [it, inserted] = first_with_label.emplace(config->label, i);
    if (!inserted) {
      const bool explicit_label = v[i].is_object() && v[i].contains("label");
      ctx.issues.push_back({explicit_label ? item + ".label" : item,
                            "duplicate label " + JsonReader::quote(config->label) + " (also used by " +
                                JsonReader::index_path(path, it->second) +
                                "); give each algorithm a distinct \"label\""});
      continue;
    }
    out.algorithms.push_back(std::move(*config));
  }
  return ctx.issues.size() == issues_before;
}

json write_algorithms(const Scenario& s) {
  json list = json::array();
  for (const AlgorithmConfig& a : s.algorithms) list.push_back(a.type->write(a));
  return list;
}

// The values of one swept key: no null, no value twice, only UTF-8 text.
template <typename Fail>
std::optional<std::vector<json>> sweep_values(const json& list, Fail fail) {
  std::vector<json> values;
  for (const json& value : list) {
    if (value.is_null()) {
      fail("null cannot be a swept value");
      return std::nullopt;
    }
    if (!is_utf8_json(value)) {
      fail("expected UTF-8 text in the values, got bytes that are not UTF-8");
      return std::nullopt;
    }
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      fail("the value " + value.dump() + " appears twice");
      return std::nullopt;
    }
    values.push_back(value);
  }
  return values;
}

// The "sweep" block: dotted keys (as --set takes them) and the lists of values to sweep.
bool read_sweep(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
                Scenario& out) {
  const std::string example =
      "e.g. {\"network.bandwidth\": [\"100Mbps\", \"1Gbps\"], \"workers\": [4, 8]}";
  if (!v.is_object() || v.empty()) {
    ctx.issues.push_back({path, "expected an object of scenario keys and the lists of values to "
                                "sweep them over, " + example + ", got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  const size_t issues_before = ctx.issues.size();
  for (const auto& item : v.items()) {
    const std::string item_path = JsonReader::child_path(path, item.key());
    const std::string& key = item.key();
    auto fail = [&](const std::string& why) { ctx.issues.push_back({item_path, why}); };
    if (key.empty() || key.front() == '.' || key.back() == '.' ||
        key.find("..") != std::string::npos) {
      fail("expected a dotted scenario key such as \"network.bandwidth\"");
    } else if (!utf8_problem(key).empty()) {
      fail("expected a dotted scenario key in UTF-8 text, got bytes that are not UTF-8");
    } else if (key == "sweep" || key.rfind("sweep.", 0) == 0 || key == "name") {
      fail("\"" + key + "\" cannot be swept");
    } else if (!item.value().is_array() || item.value().empty()) {
      fail("expected a non-empty list of values, " + example + ", got " +
           JsonReader::describe_value(item.value(), true));
    } else if (std::optional<std::vector<json>> values = sweep_values(item.value(), fail)) {
      out.sweep.emplace_back(key, std::move(*values));
    }
  }
  return ctx.issues.size() == issues_before;
}

json write_sweep(const Scenario& s) {
  if (s.sweep.empty()) return json();
  json sweep = json::object();
  for (const auto& [key, values] : s.sweep) sweep[key] = values;
  return sweep;
}

int64_t train_size_of(const DatasetSource& src) {
  return src.kind == DatasetKind::kSynthetic ? src.synthetic.train_size
                                             : dataset_facts(src.kind).train_size;
}

// The periodic rule is not combined with the downlink. Every worker needs one full minibatch
// per iteration from its shard; BatchNorm needs two samples; by_dataset needs a worker of each
// parity.
void check_across_sections(SectionScope<Scenario>& scope) {
  const Scenario& s = scope.value;
  auto issue = [&](const char* path, const std::string& message) {
    scope.ctx.issues.push_back({path, message});
  };
  if (scope.ok("network") && scope.ok("algorithms") && s.network.downlink) {
    for (size_t i = 0; i < s.algorithms.size(); ++i) {
      const AlgorithmConfig& a = s.algorithms[i];
      if (!a.type->traits_of(a).local_steps) continue;
      scope.ctx.issues.push_back(
          {".algorithms[" + std::to_string(i) + "]",
           "\"" + a.label + "\" takes local steps (rule \"periodic\"), and network.downlink "
           "would charge a model broadcast on every iteration, not only after its uploads; "
           "this combination is not supported yet: set network.downlink to false or remove "
           "the entry"});
    }
  }
  const bool data_ok = scope.ok("data") && scope.given("data");
  if (data_ok && scope.ok("model") && s.model == ModelKind::kResnet18 && s.data.batch_size < 2) {
    issue(".data.batch_size", "model \"resnet18\" has BatchNorm layers, which need batch_size "
                              ">= 2 samples per forward pass, got " +
                                  std::to_string(s.data.batch_size));
  }
  if (!data_ok || !scope.ok("workers")) return;
  const bool by_dataset = s.data.partition == PartitionKind::kByDataset;
  if (by_dataset && s.workers < 2) {
    issue(".data.partition", "partition \"by_dataset\" gives even workers one dataset and odd "
                             "workers the other, so it needs workers >= 2");
  }
  const int64_t b = s.data.batch_size;
  auto check = [&](const DatasetSource& src, int64_t workers, const std::string& who) {
    const int64_t n = train_size_of(src);
    if (workers * b <= n) return;
    issue(".data.batch_size", who + std::to_string(workers) + " x batch_size " +
                                  std::to_string(b) + " = " + std::to_string(workers * b) +
                                  " samples per iteration, but " + to_string(src.kind) +
                                  " has only " + std::to_string(n) + " training samples");
  };
  if (!by_dataset) return check(s.data.primary, s.workers, "workers ");
  check(s.data.primary, (s.workers + 1) / 2, "the even workers need ");
  if (s.data.secondary) check(*s.data.secondary, s.workers / 2, "the odd workers need ");
}

void check_seed_or_seeds(SectionScope<Scenario>& scope) {
  if (scope.given("seed") && scope.given("seeds")) {
    scope.reader.add_issue("seeds", "give either \"seed\" (one run) or \"seeds\" (one run per "
                                    "seed), not both");
  }
}

void declare_run_keys(Section<Scenario>& s) {
  s.string("name", &Scenario::name, name_problem)
      .required()
      .example("\"quickstart\"")
      .allowed("`[A-Za-z0-9_.-]+`, not `.` or `..`")
      .meaning("Names the run; results go to `results/<name>/` unless `--out` is given.");
  s.string("description", &Scenario::description, utf8_problem)
      .meaning("Free text for people; copied into the manifest, not used by the simulator.");
  s.custom("seed", read_seed,
           [](const Scenario& sc) { return sc.seeds.empty() ? json(sc.seed) : json(); })
      .type("integer")
      .allowed("0 .. 2^64-1; not with `seeds`")
      .replaces({"seeds"})
      .schema({{"type", "integer"}, {"minimum", 0}, {"maximum", 18446744073709551615ull}})
      .meaning("The one seed for LibTorch (initial weights), data partition and shuffling, and "
               "the network.");
  s.custom("seeds", read_seeds,
           [](const Scenario& sc) { return sc.seeds.empty() ? json() : json(sc.seeds); })
      .type("array of integers")
      .defaults("none (one run with `seed`)")
      .allowed("non-empty, no repeats, each 0 .. 2^64-1; not with `seed`")
      .replaces({"seed"})
      .schema({{"type", "array"}, {"minItems", 1}, {"uniqueItems", true},
               {"items", {{"type", "integer"}, {"minimum", 0}}}})
      .meaning("Run every algorithm once per seed, into `seed-<s>/` subdirectories; see "
               "\"Multi-seed runs\". The resolved scenario holds `seeds` instead of `seed`.");
  s.choice("device", &Scenario::device)
      .meaning("Where gradients are computed; `auto` uses CUDA when this build and machine have "
               "it.");
  s.integer("threads", &Scenario::threads, 0, kMaxThreads)
      .meaning("LibTorch intra-op threads; 0 = chosen by sasgsim.");
  s.custom("workers", read_workers, [](const Scenario& sc) { return json(sc.workers); })
      .type("integer")
      .allowed(integer_range_markdown(1, kMaxWorkers))
      .schema(integer_schema(1, kMaxWorkers))
      .alias("M", "the paper's M")
      .meaning("M, the number of simulated workers.");
}

// Fills the transport keys the profile decides, so the resolved scenario shows them (also when
// the document has no network section).
void fill_transport_defaults(SectionScope<Scenario>& scope) {
  NetworkOptions& n = scope.value.network;
  if (n.backend == NetworkBackendKind::kNs3) n.transport = resolved_transport(n);
}

void declare_sections(Section<Scenario>& s) {
  s.object("data", &Scenario::data, data_section())
      .required()
      .example("{\"dataset\": \"mnist\"}")
      .keys_documented_elsewhere()
      .defaults("required")
      .allowed("see below")
      .meaning("Dataset, partition, minibatches.");
  s.choice("model", &Scenario::model)
      .meaning("`fc512`: 784-512-10 fully connected with ReLU (the paper's MNIST net; input "
               "flattened); `resnet18`: CIFAR ResNet-18 (3x3 stem, no max-pool); `cnn`: a small "
               "CNN (two 5x5 conv + max-pool layers, 32 and 64 channels, then 512 hidden units) "
               "for quick tests.");
  s.object("train", &Scenario::train, train_section())
      .required()
      .example("{\"iterations\": 600, \"lr\": 0.005}")
      .keys_documented_elsewhere()
      .defaults("required")
      .allowed("see below")
      .meaning("Length, learning rate, evaluation.");
  KeyRef<Scenario> algorithms = s.custom("algorithms", read_algorithms, write_algorithms);
  algorithms.required()
      .type("array")
      .example("[\"sgd\", \"sparse\", \"lasg\", \"sasg\"]")
      .alias("algorithm", "a list")
      .shorthand("name")
      .keys_documented_elsewhere()
      .defaults("required")
      .allowed("non-empty; names or objects, see below")
      .meaning("The algorithms to compare, each from the same initial weights on the same "
               "minibatches.");
  for (const AlgorithmType* type : algorithm_catalog()) {
    algorithms.child({"[]", &type->keys(), type->name(),
                      "it is set per algorithm, in an object of \"algorithms\" such as "
                      "{\"name\": \"{variant}\", \"{key}\": ...}"});
  }
  s.object("network", &Scenario::network, network_section())
      .keys_documented_elsewhere()
      .defaults("all defaults")
      .allowed("see below")
      .meaning("The simulated network: backend, links, topology, TCP.");
  s.object("compute", &Scenario::compute, compute_section())
      .keys_documented_elsewhere()
      .defaults("`{\"model\": \"none\"}`")
      .allowed("see below")
      .meaning("How long the workers' computation takes in simulated time.");
  s.custom("sweep", read_sweep, write_sweep)
      .type("object")
      .defaults("none")
      .allowed("keys: dotted scenario keys as `--set` takes them (not `name`, not `sweep`); "
               "values: non-empty lists without repeats or null")
      .schema({{"type", "object"}, {"minProperties", 1},
               {"additionalProperties", {{"type", "array"}, {"minItems", 1}}}})
      .meaning("Only for `sasgsim sweep`, which runs the cartesian product of the lists, e.g. "
               "`{\"network.bandwidth\": [\"10Mbps\", \"1Gbps\"], \"workers\": [4, 8]}`; see "
               "`sasgsim sweep` in README.md.");
}

}  // namespace

const Section<Scenario>& scenario_section() {
  static const Section<Scenario> keys = [] {
    Section<Scenario> s;
    declare_run_keys(s);
    declare_sections(s);
    s.check(check_seed_or_seeds, json{{"not", {{"required", {"seed", "seeds"}}}}});
    s.check(check_across_sections);
    s.check(fill_transport_defaults);
    return s;
  }();
  return keys;
}

const HintIndex& scenario_hints() {
  static const HintIndex index(scenario_section());
  return index;
}

std::vector<SchemaTable> schema_tables() {
  std::vector<SchemaTable> tables = {
      {"top", &scenario_section()},
      {"data", &data_section()},
      {"data.synthetic", &synthetic_section()},
      {"train", &train_section()},
      {"network", &network_section()},
      {"compute", &compute_section()},
  };
  return tables;
}

}  // namespace sasgsim
