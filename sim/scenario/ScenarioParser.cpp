#include "sim/scenario/ScenarioParser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "sim/data/DatasetFiles.h"
#include "sim/scenario/JsonReader.h"
#include "sim/scenario/Units.h"

namespace sasgsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxWorkers = 1024;
constexpr int64_t kMaxThreads = 1024;

constexpr DeviceKind kDeviceKinds[] = {DeviceKind::kAuto, DeviceKind::kCpu, DeviceKind::kCuda};
constexpr DatasetKind kDatasetKinds[] = {DatasetKind::kMnist, DatasetKind::kFashionMnist,
                                         DatasetKind::kCifar10, DatasetKind::kCifar100,
                                         DatasetKind::kSynthetic};
constexpr PartitionKind kPartitionKinds[] = {PartitionKind::kIid, PartitionKind::kByDataset,
                                             PartitionKind::kDirichlet};
constexpr ModelKind kModelKinds[] = {ModelKind::kFc512, ModelKind::kResnet18, ModelKind::kCnn};
constexpr AlgorithmKind kAlgorithmKinds[] = {AlgorithmKind::kSgd, AlgorithmKind::kSparse,
                                             AlgorithmKind::kLasg, AlgorithmKind::kSasg};
constexpr ScheduleKind kScheduleKinds[] = {ScheduleKind::kSequential, ScheduleKind::kConcurrent};
constexpr LrScheduleKind kLrScheduleKinds[] = {LrScheduleKind::kConstant, LrScheduleKind::kStep};
constexpr ThresholdLrKind kThresholdLrKinds[] = {ThresholdLrKind::kCurrent,
                                                 ThresholdLrKind::kLagged};
constexpr TopkScope kTopkScopes[] = {TopkScope::kPerTensor, TopkScope::kGlobal};

constexpr NetworkBackendKind kBackendKinds[] = {NetworkBackendKind::kNs3,
                                               NetworkBackendKind::kAnalytic};
constexpr FidelityKind kFidelityKinds[] = {FidelityKind::kMemo, FidelityKind::kExact};
constexpr TopologyKind kTopologyKinds[] = {TopologyKind::kDirect, TopologyKind::kSwitch};
constexpr ComputeModelKind kComputeModelKinds[] = {
    ComputeModelKind::kNone, ComputeModelKind::kFixed, ComputeModelKind::kMeasured,
    ComputeModelKind::kFlops};

// ns-3 holds socket buffer and queue sizes in 32 bits: larger values are rejected here rather
// than truncated there.
constexpr int64_t kMaxUint32 = 4294967295;
constexpr int64_t kMaxSegmentBytes = 65000;

template <typename Enum, size_t N>
std::vector<std::string> names_of(const Enum (&values)[N]) {
  std::vector<std::string> names;
  for (Enum v : values) names.emplace_back(to_string(v));
  return names;
}

template <typename Enum, size_t N>
std::optional<Enum> enum_from(const std::optional<std::string>& name, const Enum (&values)[N]) {
  if (!name) return std::nullopt;
  for (Enum v : values) {
    if (*name == to_string(v)) return v;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::optional<Enum> read_enum(JsonReader& r, const std::string& key, const Enum (&values)[N]) {
  return enum_from(r.choice(key, names_of(values)), values);
}

// Command-line values may hold bytes that are not UTF-8: quote them rather than throw.
std::string json_quoted(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

// Names that become directory names: no separators, not "." or "..".
bool is_safe_name(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

const char* kSafeNameRule = "letters, digits, '_', '.' and '-' only (it names a directory)";

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_ascii_alnum(c) || c == '_'; });
}

// "TcpCubic": an ns-3 congestion control TypeId name without "ns3::". Whether ns-3 has it is
// checked by the network library, which can ask ns-3.
bool is_congestion_control_name(const std::string& s) {
  return s.size() > 3 && s.compare(0, 3, "Tcp") == 0 &&
         std::all_of(s.begin() + 3, s.end(), is_ascii_alnum);
}

// "ns3::TcpSocketBase::MinRto": "ns3", the type (possibly in a nested namespace, as in
// "ns3::olsr::RoutingProtocol") and the attribute, each an identifier.
bool is_attribute_name(const std::string& s) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t sep = s.find("::", start);
    parts.push_back(s.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  return parts.size() >= 3 && parts[0] == "ns3" &&
         std::all_of(parts.begin(), parts.end(), is_identifier);
}

// What the scenario schema knows about each dataset.
struct DatasetFacts {
  int64_t channels;
  int64_t train_size;
  std::vector<double> mean;
  std::vector<double> std;
};

DatasetFacts facts_of(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kMnist: return {1, 60000, {0.1307}, {0.3081}};
    case DatasetKind::kFashionMnist: return {1, 60000, {0.2860}, {0.3530}};
    case DatasetKind::kCifar10:
      return {3, 50000, {0.4914, 0.4822, 0.4465}, {0.2023, 0.1994, 0.2010}};
    case DatasetKind::kCifar100:
      return {3, 50000, {0.5071, 0.4865, 0.4409}, {0.2673, 0.2564, 0.2762}};
    case DatasetKind::kSynthetic: return {0, 0, {}, {}};
  }
  return {0, 0, {}, {}};
}

// How to get a dataset's files into `dir`.
std::string how_to_fetch(DatasetKind kind, const std::string& dir, const std::string& path_key) {
  const std::string or_set = "or set " + path_key + " to the directory that holds them";
  switch (kind) {
    case DatasetKind::kMnist: return "run scripts/fetch_mnist.sh, " + or_set;
    case DatasetKind::kFashionMnist:
      return "install them with \"apt-get install dataset-fashion-mnist\", " + or_set;
    case DatasetKind::kCifar10:
      return "download the CIFAR-10 binary version "
             "(https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) and put "
             "data_batch_1.bin..data_batch_5.bin and test_batch.bin in " + dir +
             " (the archive holds them in cifar-10-batches-bin/: mkdir -p " + dir +
             " && tar xzf cifar-10-binary.tar.gz --strip-components=1 -C " + dir + "), " + or_set;
    case DatasetKind::kCifar100:
      return "download the CIFAR-100 binary version "
             "(https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz) and put train.bin "
             "and test.bin in " + dir + " (the archive holds them in cifar-100-binary/: "
             "mkdir -p " + dir + " && tar xzf cifar-100-binary.tar.gz --strip-components=1 -C " +
             dir + "), " + or_set;
    case DatasetKind::kSynthetic: return "";
  }
  return "";
}

std::string absolute_directory(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec) p = fs::path(path);
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Keys written in the wrong section, or in the paper's notation, and where they belong.
std::map<std::string, std::string> root_hints() {
  std::map<std::string, std::string> hints;
  for (const char* key : {"dataset", "path", "normalize", "synthetic", "second", "partition",
                          "dirichlet_alpha", "batch_size", "augment"}) {
    hints[key] = "did you mean " + json_quoted(std::string("data.") + key) + "?";
  }
  for (const char* key : {"iterations", "epochs", "lr", "lr_schedule", "eval_every",
                          "eval_batch_size", "target_accuracy", "target_top5"}) {
    hints[key] = "did you mean " + json_quoted(std::string("train.") + key) + "?";
  }
  for (const char* key : {"backend", "fidelity", "bandwidth", "latency", "schedule", "per_worker",
                          "topology", "server_link", "downlink", "transport", "queue_packets",
                          "memo_warmup", "ns3_attributes"}) {
    hints[key] = "did you mean " + json_quoted(std::string("network.") + key) + "?";
  }
  for (const char* key : {"density", "topk_scope", "D", "kappa", "c_factor", "threshold_lr",
                          "xi"}) {
    hints[key] = "it is set per algorithm, in an object of \"algorithms\" such as "
                 "{\"name\": \"sasg\", \"" + std::string(key) + "\": ...}";
  }
  for (const char* key : {"batch_time", "topk_time", "device_flops", "topk_flops_per_element"}) {
    hints[key] = "did you mean " + json_quoted(std::string("compute.") + key) + "?";
  }
  hints["speed"] = "it is set per worker under \"compute\", e.g. "
                   "\"compute\": {\"model\": \"fixed\", \"batch_time\": \"5ms\", "
                   "\"per_worker\": {\"3\": {\"speed\": 0.5}}}";
  hints["M"] = "did you mean \"workers\" (the paper's M)?";
  hints["b"] = "did you mean \"data.batch_size\" (the paper's b)?";
  hints["alpha"] = "did you mean \"train.lr\" (the paper's alpha)?";
  hints["algorithm"] = "did you mean \"algorithms\" (a list)?";
  return hints;
}

std::map<std::string, std::string> data_hints() {
  return {{"M", "did you mean \"workers\" (a top-level key)?"},
          {"workers", "\"workers\" is a top-level key, not part of \"data\""},
          {"b", "did you mean \"batch_size\" (the paper's b)?"},
          {"model", "\"model\" is a top-level key, not part of \"data\""}};
}

std::map<std::string, std::string> augment_hints() {
  const std::string rotation = "did you mean \"rotation_degrees\" (random rotation in [-d, d] "
                               "degrees)?";
  return {{"rotate", rotation}, {"rotation", rotation}, {"random_rotation", rotation},
          {"crop", "did you mean \"crop_padding\"?"},
          {"flip", "did you mean \"horizontal_flip\"?"}};
}

std::map<std::string, std::string> train_hints() {
  return {{"alpha", "did you mean \"lr\" (the paper's alpha)?"},
          {"batch_size", "did you mean \"data.batch_size\"?"},
          {"seed", "\"seed\" is a top-level key, not part of \"train\""}};
}

std::map<std::string, std::string> algorithm_hints() {
  return {{"h", "did you mean \"density\" (the paper's h)?"},
          {"max_delay", "did you mean \"D\"?"},
          {"c", "did you mean \"c_factor\" (c = c_factor * lr * workers^2)?"},
          {"type", "did you mean \"name\"?"}};
}

std::map<std::string, std::string> network_hints() {
  std::map<std::string, std::string> hints;
  for (const char* key : {"congestion_control", "segment_size", "send_buffer", "receive_buffer"}) {
    hints[key] = "did you mean " + json_quoted(std::string("transport.") + key) + "?";
  }
  hints["mss"] = "did you mean \"transport.segment_size\" (the TCP MSS)?";
  hints["attributes"] = "did you mean \"ns3_attributes\"?";
  hints["queue_size"] = "did you mean \"queue_packets\" (the queue length in packets)?";
  hints["warmup"] = "did you mean \"memo_warmup\"?";
  hints["delay"] = "did you mean \"latency\"?";
  hints["rate"] = "did you mean \"bandwidth\"?";
  return hints;
}

std::map<std::string, std::string> compute_hints() {
  return {{"type", "did you mean \"model\"?"},
          {"kind", "did you mean \"model\"?"},
          {"flops", "did you mean \"device_flops\" (FLOP/s of a worker's device)?"},
          {"speed", "it is set per worker: \"per_worker\": {\"3\": {\"speed\": 0.5}}"},
          {"bandwidth", "links are set in \"network\", not in \"compute\""},
          {"latency", "links are set in \"network\", not in \"compute\""}};
}

std::map<std::string, std::string> compute_worker_hints() {
  return {{"bandwidth", "a worker's link is set in \"network.per_worker\", not here"},
          {"latency", "a worker's link is set in \"network.per_worker\", not here"},
          {"batch_time", "times are set for all workers; \"speed\" scales them per worker"},
          {"device_flops", "device_flops is set for all workers; \"speed\" scales it per worker"}};
}

std::map<std::string, std::string> transport_hints() {
  return {{"mss", "did you mean \"segment_size\" (the TCP MSS)?"},
          {"SegmentSize", "did you mean \"segment_size\" (ns-3's SegmentSize)?"},
          {"SndBufSize", "did you mean \"send_buffer\" (ns-3's SndBufSize)?"},
          {"RcvBufSize", "did you mean \"receive_buffer\" (ns-3's RcvBufSize)?"},
          {"SocketType", "did you mean \"congestion_control\" (ns-3's TcpL4Protocol::SocketType)?"}};
}

class Parser {
 public:
  Parser(const ParseOptions& options, std::vector<ScenarioIssue>& issues)
      : options_(options), issues_(issues) {}

  Scenario parse(const json& doc);

 private:
  void parse_data(const json& value);
  std::optional<DatasetSource> parse_source(JsonReader& r, const std::string& dotted,
                                            bool check_files);
  void parse_synthetic(const json& value, const std::string& path, SyntheticOptions& out,
                       bool& shape_valid);
  void parse_normalize(const json& value, const std::string& path, DatasetSource& src,
                       int64_t channels, const std::string& channels_of);
  void check_files(const DatasetSource& src, const std::string& path_key, bool defaulted);
  void parse_train(const json& value);
  void parse_lr_schedule(const json& value, const std::string& path);
  void parse_algorithms(const json& value);
  std::optional<AlgorithmOptions> parse_algorithm(const json& value, const std::string& path);
  void parse_network(const json& value);
  void parse_compute(const json& value);
  void parse_sweep(const json& value);
  void parse_transport(const json& value, const std::string& path);
  void parse_ns3_attributes(const json& value, const std::string& path);
  std::optional<double> read_rate(JsonReader& r, const std::string& key);
  // The worker index a per_worker key names ("0" .. "M-1" in canonical decimal), or nullopt
  // after reporting what is wrong at item_path.
  std::optional<int> worker_key(const std::string& key, const std::string& item_path);
  std::optional<double> read_time(JsonReader& r, const std::string& key);
  void cross_checks();

  const ParseOptions& options_;
  std::vector<ScenarioIssue>& issues_;
  Scenario s_;
  // Which values were valid, for the checks that combine several keys.
  bool workers_ok_ = true;
  bool batch_ok_ = true;
  bool model_ok_ = true;
  bool partition_ok_ = true;
  bool primary_ok_ = false;
  bool secondary_ok_ = false;
};

Scenario Parser::parse(const json& doc) {
  JsonReader root(doc, "", issues_);
  if (!doc.is_object()) return s_;

  if (std::optional<std::string> name = root.string("name")) {
    if (is_safe_name(*name)) {
      s_.name = *name;
    } else {
      root.add_issue("name", "expected a name of " + std::string(kSafeNameRule) + ", got " +
                                 json_quoted(*name));
    }
  } else if (!root.has("name")) {
    root.missing("name", "a string naming the run and its results directory");
  }
  if (std::optional<std::string> description = root.string("description")) {
    // It is copied into manifest.json, whose writer needs valid UTF-8.
    try {
      (void)json(*description).dump();
      s_.description = *description;
    } catch (const json::type_error&) {
      root.add_issue("description", "expected UTF-8 text, got bytes that are not UTF-8");
    }
  }
  // Seeds use the whole unsigned 64-bit range, beyond what JsonReader::integer reads.
  auto read_seed = [&](const json& v, const std::string& path) -> std::optional<uint64_t> {
    const bool integral_float = v.is_number_float() && v.get<double>() >= 0.0 &&
                                v.get<double>() < 18446744073709551616.0 &&
                                v.get<double>() == std::floor(v.get<double>());
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (integral_float) return static_cast<uint64_t>(v.get<double>());
    issues_.push_back({path, "expected a non-negative integer, got " +
                                 JsonReader::describe_value(v, !v.is_number())});
    return std::nullopt;
  };
  if (const json* seed = root.find("seed")) {
    if (auto value = read_seed(*seed, ".seed")) s_.seed = *value;
  }
  if (const json* seeds = root.find("seeds")) {
    if (root.has("seed")) {
      root.add_issue("seeds", "give either \"seed\" (one run) or \"seeds\" (one run per seed), "
                              "not both");
    } else if (!seeds->is_array() || seeds->empty()) {
      root.add_issue("seeds", "expected a non-empty list of seeds, e.g. [1, 19, 31, 42, 80], got " +
                                  JsonReader::describe_value(*seeds, true));
    } else {
      for (size_t i = 0; i < seeds->size(); ++i) {
        const std::string path = ".seeds[" + std::to_string(i) + "]";
        if (auto value = read_seed((*seeds)[i], path)) {
          if (std::find(s_.seeds.begin(), s_.seeds.end(), *value) != s_.seeds.end()) {
            issues_.push_back({path, "seed " + std::to_string(*value) + " appears twice"});
          } else {
            s_.seeds.push_back(*value);
          }
        }
      }
      if (!s_.seeds.empty()) s_.seed = s_.seeds.front();
    }
  }
  if (auto device = read_enum(root, "device", kDeviceKinds)) s_.device = *device;
  if (auto threads = root.integer("threads", 0, kMaxThreads)) {
    s_.threads = static_cast<int>(*threads);
  }
  if (root.has("workers")) {
    auto workers = root.integer("workers", 1, kMaxWorkers);
    workers_ok_ = workers.has_value();
    if (workers) s_.workers = static_cast<int>(*workers);
  }

  if (const json* data = root.find("data")) {
    parse_data(*data);
  } else {
    root.missing("data", "an object with at least \"dataset\", e.g. {\"dataset\": \"mnist\"}");
    primary_ok_ = false;
  }
  if (root.has("model")) {
    auto model = read_enum(root, "model", kModelKinds);
    model_ok_ = model.has_value();
    if (model) s_.model = *model;
  }
  if (const json* train = root.find("train")) {
    parse_train(*train);
  } else {
    root.missing("train", "an object with \"lr\" and either \"iterations\" or \"epochs\"");
  }
  if (const json* algorithms = root.find("algorithms")) {
    parse_algorithms(*algorithms);
  } else {
    root.missing("algorithms",
                 "a list of algorithms to compare, e.g. [\"sgd\", \"sparse\", \"lasg\", \"sasg\"]");
  }
  if (const json* network = root.find("network")) parse_network(*network);
  if (const json* compute = root.find("compute")) parse_compute(*compute);
  if (const json* sweep = root.find("sweep")) parse_sweep(*sweep);
  root.finish(root_hints());

  cross_checks();
  return s_;
}

void Parser::parse_data(const json& value) {
  JsonReader r(value, ".data", issues_);
  if (!value.is_object()) {
    primary_ok_ = batch_ok_ = partition_ok_ = false;
    return;
  }
  std::optional<DatasetSource> primary = parse_source(r, "data", options_.check_data_files);
  primary_ok_ = primary.has_value();
  if (primary) s_.data.primary = *primary;

  if (r.has("partition")) {
    auto partition = read_enum(r, "partition", kPartitionKinds);
    partition_ok_ = partition.has_value();
    if (partition) s_.data.partition = *partition;
  }
  const PartitionKind partition = s_.data.partition;
  const std::string partition_text = json_quoted(to_string(partition));

  if (r.has("dirichlet_alpha")) {
    if (auto alpha = r.number("dirichlet_alpha", NumberRange::positive())) {
      s_.data.dirichlet_alpha = *alpha;
    }
    if (partition_ok_ && partition != PartitionKind::kDirichlet) {
      r.add_issue("dirichlet_alpha", "only used with partition \"dirichlet\" (partition is " +
                                         partition_text + "); remove it or set partition");
    }
  }

  if (const json* second = r.find("second")) {
    const bool wanted = partition == PartitionKind::kByDataset;
    if (partition_ok_ && !wanted) {
      r.add_issue("second", "only used with partition \"by_dataset\" (partition is " +
                                partition_text + "); remove it or set partition to \"by_dataset\"");
    }
    JsonReader sr(*second, ".data.second", issues_);
    if (second->is_object()) {
      std::optional<DatasetSource> secondary =
          parse_source(sr, "data.second", wanted && options_.check_data_files);
      sr.finish(data_hints());
      secondary_ok_ = secondary.has_value();
      if (secondary && wanted) s_.data.secondary = *secondary;
    }
  } else if (partition_ok_ && partition == PartitionKind::kByDataset) {
    r.add_issue("second", "missing: partition \"by_dataset\" needs data.second, the dataset of "
                          "the odd-numbered workers, e.g. {\"dataset\": \"mnist\"}");
  }

  if (r.has("batch_size")) {
    auto batch = r.integer("batch_size", 1, 1000000);
    batch_ok_ = batch.has_value();
    if (batch) s_.data.batch_size = *batch;
  }
  if (const json* augment = r.find("augment")) {
    JsonReader ar(*augment, ".data.augment", issues_);
    if (auto padding = ar.integer("crop_padding", 0, 1024)) s_.data.augment.crop_padding = *padding;
    if (auto flip = ar.boolean("horizontal_flip")) s_.data.augment.horizontal_flip = *flip;
    const NumberRange degrees_range{0.0, 180.0, true, true, false, false};
    if (auto degrees = ar.number("rotation_degrees", degrees_range)) {
      s_.data.augment.rotation_degrees = *degrees;
    }
    ar.finish(augment_hints());
  }
  r.finish(data_hints());
}

std::optional<DatasetSource> Parser::parse_source(JsonReader& r, const std::string& dotted,
                                                  bool check) {
  DatasetSource src;
  const bool has_dataset = r.has("dataset");
  std::optional<DatasetKind> kind = read_enum(r, "dataset", kDatasetKinds);
  if (!has_dataset) {
    std::string allowed;
    for (const std::string& n : names_of(kDatasetKinds)) allowed += (allowed.empty() ? "" : ", ") + json_quoted(n);
    r.missing("dataset", "one of " + allowed);
  }
  const json* path = r.find("path");
  const json* normalize = r.find("normalize");
  const json* synthetic = r.find("synthetic");

  bool path_ok = true;
  std::string path_text;
  if (path != nullptr) {
    if (!path->is_string() || path->get<std::string>().empty()) {
      r.add_issue("path", "expected a directory path (a non-empty string), got " +
                              JsonReader::describe_value(*path, true));
      path_ok = false;
    } else {
      path_text = path->get<std::string>();
    }
  }
  if (!kind) {
    // Without a dataset kind the remaining keys cannot be checked against it; check their shape.
    if (synthetic != nullptr) {
      bool ignored = false;
      SyntheticOptions unused;
      parse_synthetic(*synthetic, r.path_of("synthetic"), unused, ignored);
    }
    if (normalize != nullptr) parse_normalize(*normalize, r.path_of("normalize"), src, 0, "");
    return std::nullopt;
  }
  src.kind = *kind;
  const std::string kind_text = json_quoted(to_string(*kind));

  int64_t channels = facts_of(*kind).channels;
  if (*kind == DatasetKind::kSynthetic) {
    bool shape_ok = true;
    if (synthetic != nullptr) {
      parse_synthetic(*synthetic, r.path_of("synthetic"), src.synthetic, shape_ok);
    }
    channels = shape_ok ? src.synthetic.shape[0] : 0;
    if (path != nullptr) {
      r.add_issue("path", "synthetic data is generated in memory and has no files; remove "
                          "\"path\"");
      path_ok = false;
    }
    src.mean.assign(static_cast<size_t>(channels), 0.0);
    src.std.assign(static_cast<size_t>(channels), 1.0);
  } else {
    if (synthetic != nullptr) {
      r.add_issue("synthetic", "only used with dataset \"synthetic\" (dataset is " + kind_text +
                                   "); remove it");
    }
    if (path == nullptr) path_text = default_dataset_path(*kind);
    if (path_ok) src.path = absolute_directory(path_text);
    src.mean = facts_of(*kind).mean;
    src.std = facts_of(*kind).std;
  }
  const std::string channels_of =
      *kind == DatasetKind::kSynthetic ? "synthetic.shape[0]" : std::string(to_string(*kind));
  if (normalize != nullptr) {
    parse_normalize(*normalize, r.path_of("normalize"), src, channels, channels_of);
  }
  if (check && path_ok && *kind != DatasetKind::kSynthetic) {
    check_files(src, dotted + ".path", path == nullptr);
  }
  return src;
}

void Parser::parse_synthetic(const json& value, const std::string& path, SyntheticOptions& out,
                             bool& shape_valid) {
  JsonReader r(value, path, issues_);
  if (auto v = r.integer("train_size", 1, 10000000)) out.train_size = *v;
  if (auto v = r.integer("test_size", 1, 10000000)) out.test_size = *v;
  if (auto v = r.integer("classes", 2, 100000)) out.classes = *v;
  if (const json* shape = r.find("shape")) {
    const std::string expected = "expected [C, H, W]: 3 integers in 1..4096, got ";
    std::vector<int64_t> dims;
    if (shape->is_array() && shape->size() == 3) {
      for (size_t i = 0; i < 3; ++i) {
        if (auto d = JsonReader::as_integer((*shape)[i], 1, 4096,
                                            JsonReader::index_path(r.path_of("shape"), i),
                                            issues_)) {
          dims.push_back(*d);
        }
      }
    } else {
      r.add_issue("shape", expected + JsonReader::describe_value(*shape, true));
    }
    shape_valid = dims.size() == 3;
    if (shape_valid) out.shape = dims;
  }
  if (auto v = r.number("noise", NumberRange::non_negative())) out.noise = *v;
  r.finish();
}

void Parser::parse_normalize(const json& value, const std::string& path, DatasetSource& src,
                             int64_t channels, const std::string& channels_of) {
  JsonReader r(value, path, issues_);
  auto check_length = [&](const std::string& key, const std::vector<double>& v) {
    if (channels <= 0 || static_cast<int64_t>(v.size()) == channels) return true;
    r.add_issue(key, "expected " + std::to_string(channels) + " value" +
                         (channels == 1 ? "" : "s") + " (one per channel: " + channels_of +
                         " has " + std::to_string(channels) + "), got " +
                         std::to_string(v.size()));
    return false;
  };
  if (auto mean = r.numbers("mean", NumberRange::any())) {
    if (check_length("mean", *mean)) src.mean = *mean;
  }
  if (auto std_dev = r.numbers("std", NumberRange::positive())) {
    if (check_length("std", *std_dev)) src.std = *std_dev;
  }
  r.finish();
}

void Parser::check_files(const DatasetSource& src, const std::string& path_key, bool defaulted) {
  const std::vector<std::string> missing = missing_dataset_files(src.kind, src.path);
  if (missing.empty()) return;
  std::error_code ec;
  const bool exists = fs::is_directory(src.path, ec);
  std::string list;
  for (const std::string& f : missing) list += (list.empty() ? "" : ", ") + f;
  const bool idx = src.kind == DatasetKind::kMnist || src.kind == DatasetKind::kFashionMnist;
  issues_.push_back({"." + path_key,
                     "missing " + std::string(to_string(src.kind)) + " file" +
                         (missing.size() == 1 ? "" : "s") + " in " + src.path +
                         (defaulted ? " (the default " + path_key + ")" : "") +
                         (exists ? "" : " (the directory does not exist)") + ": " + list +
                         (idx ? " (plain or .gz)" : "") + "; " +
                         how_to_fetch(src.kind, src.path, path_key)});
}

void Parser::parse_train(const json& value) {
  JsonReader r(value, ".train", issues_);
  if (!value.is_object()) return;
  const bool has_iterations = r.has("iterations");
  const bool has_epochs = r.has("epochs");
  if (auto iterations = r.integer("iterations", 1, kMaxInt)) s_.train.iterations = *iterations;
  if (auto epochs = r.number("epochs", NumberRange::positive())) s_.train.epochs = *epochs;
  if (has_iterations && has_epochs) {
    r.add_issue("", "give either \"iterations\" or \"epochs\", not both");
  } else if (!has_iterations && !has_epochs) {
    r.add_issue("", "missing the training length: give either \"iterations\" (an integer >= 1) "
                    "or \"epochs\" (a number > 0)");
  }
  if (auto lr = r.number("lr", NumberRange::positive())) {
    s_.train.lr = *lr;
  } else if (!r.has("lr")) {
    r.missing("lr", "the learning rate, a number > 0 (e.g. 0.005)");
  }
  if (const json* schedule = r.find("lr_schedule")) {
    parse_lr_schedule(*schedule, r.path_of("lr_schedule"));
  }
  if (auto v = r.integer("eval_every", 1, kMaxInt)) s_.train.eval_every = *v;
  if (auto v = r.integer("eval_batch_size", 1, 1000000)) s_.train.eval_batch_size = *v;
  if (r.has("eval_samples")) {
    if (auto v = r.integer("eval_samples", 1, 100000000)) s_.train.eval_samples = *v;
  }
  const bool has_target = r.has("target_accuracy");
  if (auto v = r.number("target_accuracy", NumberRange::open_closed(0.0, 100.0))) {
    s_.train.target_accuracy = *v;
  }
  if (auto v = r.boolean("target_top5")) {
    s_.train.target_top5 = *v;
    if (*v && !has_target) {
      r.add_issue("target_top5", "target_top5 compares target_accuracy with the top-5 accuracy, "
                                 "but there is no target_accuracy; add one or remove target_top5");
    }
  }
  r.finish(train_hints());
}

void Parser::parse_lr_schedule(const json& value, const std::string& path) {
  // "constant" and "step" are shorthands for {"type": ...}.
  const json object = value.is_string() ? json{{"type", value}} : value;
  JsonReader r(object, path, issues_);
  if (!object.is_object()) return;
  LrSchedule& schedule = s_.train.lr_schedule;
  const bool has_type = r.has("type");
  std::optional<LrScheduleKind> kind = read_enum(r, "type", kLrScheduleKinds);
  if (has_type && !kind) {
    r.find("milestones");
    r.find("gamma");
    r.finish();
    return;
  }
  if (kind) schedule.kind = *kind;
  const bool step = schedule.kind == LrScheduleKind::kStep;
  const bool has_milestones = r.has("milestones");
  const bool has_gamma = r.has("gamma");
  if (!step) {
    if (has_milestones) {
      r.add_issue("milestones", "only used with type \"step\" (the schedule is \"constant\")");
    }
    if (has_gamma) r.add_issue("gamma", "only used with type \"step\" (the schedule is \"constant\")");
    r.finish();
    return;
  }
  if (auto milestones = r.numbers("milestones", NumberRange::positive())) {
    if (milestones->empty()) {
      r.add_issue("milestones", "expected at least one milestone epoch, got []");
    }
    bool increasing = true;
    for (size_t i = 1; i < milestones->size(); ++i) {
      if (!((*milestones)[i] > (*milestones)[i - 1])) {
        issues_.push_back({JsonReader::index_path(r.path_of("milestones"), i),
                           "milestones must increase: " + JsonReader::format_number((*milestones)[i]) +
                               " follows " + JsonReader::format_number((*milestones)[i - 1])});
        increasing = false;
      }
    }
    if (increasing) schedule.milestones_epochs = *milestones;
  } else if (!has_milestones) {
    r.missing("milestones", "the epochs at which a \"step\" schedule multiplies lr by gamma, "
                            "e.g. [20]");
  }
  if (auto gamma = r.number("gamma", NumberRange::open_closed(0.0, 1.0))) schedule.gamma = *gamma;
  r.finish();
}

void Parser::parse_algorithms(const json& value) {
  if (!value.is_array()) {
    issues_.push_back({".algorithms", "expected a list of algorithms, e.g. [\"sgd\", \"sasg\"], "
                                      "got " + JsonReader::describe_value(value, true)});
    return;
  }
  if (value.empty()) {
    issues_.push_back({".algorithms", "expected at least one algorithm, got an empty list"});
    return;
  }
  std::map<std::string, size_t> first_with_label;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string path = JsonReader::index_path(".algorithms", i);
    std::optional<AlgorithmOptions> algorithm = parse_algorithm(value[i], path);
    if (!algorithm) continue;
    auto [it, inserted] = first_with_label.emplace(algorithm->label, i);
    if (!inserted) {
      const bool explicit_label = value[i].is_object() && value[i].contains("label");
      issues_.push_back({explicit_label ? path + ".label" : path,
                         "duplicate label " + json_quoted(algorithm->label) + " (also used by " +
                             JsonReader::index_path(".algorithms", it->second) +
                             "); give each algorithm a distinct \"label\""});
      continue;
    }
    s_.algorithms.push_back(*algorithm);
  }
}

std::optional<AlgorithmOptions> Parser::parse_algorithm(const json& value, const std::string& path) {
  AlgorithmOptions a;
  if (value.is_string()) {
    auto kind = enum_from(JsonReader::as_choice(value, names_of(kAlgorithmKinds), path, issues_),
                          kAlgorithmKinds);
    if (!kind) return std::nullopt;
    a.kind = *kind;
    a.label = to_string(*kind);
    return a;
  }
  if (!value.is_object()) {
    issues_.push_back({path, "expected an algorithm name (\"sgd\", \"sparse\", \"lasg\", \"sasg\") "
                             "or an object with \"name\", got " +
                                 JsonReader::describe_value(value, true)});
    return std::nullopt;
  }
  JsonReader r(value, path, issues_);
  const size_t issues_before = issues_.size();
  const bool has_name = r.has("name");
  std::optional<AlgorithmKind> kind = read_enum(r, "name", kAlgorithmKinds);
  if (!has_name) r.missing("name", "one of \"sgd\", \"sparse\", \"lasg\", \"sasg\"");
  if (kind) a.kind = *kind;
  const std::string kind_text = kind ? std::string(to_string(*kind)) : "";

  if (auto label = r.string("label")) {
    if (is_safe_name(*label)) {
      a.label = *label;
    } else {
      r.add_issue("label", "expected a label of " + std::string(kSafeNameRule) + ", got " +
                               json_quoted(*label));
    }
  } else if (kind && !r.has("label")) {
    a.label = kind_text;
  }

  const bool sparse_kind = a.kind == AlgorithmKind::kSparse || a.kind == AlgorithmKind::kSasg;
  const bool lazy_kind = a.kind == AlgorithmKind::kLasg || a.kind == AlgorithmKind::kSasg;
  // A key of another kind is reported instead of being validated: the fix is to remove it.
  auto applies = [&](const char* key, bool applicable, const char* kinds) {
    if (!r.has(key)) return false;
    if (kind && !applicable) {
      r.add_issue(key, json_quoted(key) + " applies only to " + kinds + ", not to " + kind_text +
                           "; remove it");
      return false;
    }
    return true;
  };
  if (applies("density", sparse_kind, "sparse and sasg")) {
    if (auto v = r.number("density", NumberRange::open_closed(0.0, 1.0))) a.density = *v;
  }
  if (applies("topk_scope", sparse_kind, "sparse and sasg")) {
    if (auto v = read_enum(r, "topk_scope", kTopkScopes)) a.topk_scope = *v;
  }
  bool d_ok = true;
  if (applies("D", lazy_kind, "lasg and sasg")) {
    auto d = r.integer("D", 1, 1000000);
    d_ok = d.has_value();
    if (d) a.max_delay = *d;
  }
  if (applies("kappa", lazy_kind, "lasg and sasg")) {
    if (auto v = r.number("kappa", NumberRange::positive())) a.kappa = *v;
  }
  if (applies("c_factor", lazy_kind, "lasg and sasg")) {
    if (auto v = r.number("c_factor", NumberRange::positive())) a.c_factor = *v;
  }
  if (applies("threshold_lr", lazy_kind, "lasg and sasg")) {
    if (auto v = read_enum(r, "threshold_lr", kThresholdLrKinds)) a.threshold_lr = *v;
  }
  if (applies("xi", lazy_kind, "lasg and sasg")) {
    std::vector<std::string> conflicting;
    for (const char* key : {"kappa", "c_factor", "threshold_lr"}) {
      if (r.has(key)) conflicting.push_back(json_quoted(key));
    }
    if (!conflicting.empty()) {
      std::string list;
      for (const std::string& c : conflicting) list += (list.empty() ? "" : ", ") + c;
      r.add_issue("xi", "give either \"xi\" or \"kappa\"/\"c_factor\"/\"threshold_lr\", not both "
                        "(found " + list + ")");
    }
    const json& xi = *r.find("xi");
    const int64_t terms = a.max_delay - 1;
    const std::string needed = "D-1 = " + std::to_string(terms) + " values (D = " +
                               std::to_string(a.max_delay) + ")";
    if (xi.is_number()) {
      if (auto x = JsonReader::as_number(xi, NumberRange::non_negative(), r.path_of("xi"), issues_)) {
        if (d_ok && terms < 1) {
          r.add_issue("xi", "xi has D-1 = 0 terms with D = 1; use D >= 2 or remove xi");
        } else if (d_ok) {
          a.xi.assign(static_cast<size_t>(terms), *x);
        }
      }
    } else if (auto values = r.numbers("xi", NumberRange::non_negative())) {
      if (d_ok && static_cast<int64_t>(values->size()) != terms) {
        r.add_issue("xi", "expected a number or " + needed + ", got " +
                              std::to_string(values->size()) + " value" +
                              (values->size() == 1 ? "" : "s"));
      } else {
        a.xi = *values;
      }
    }
  }
  r.finish(algorithm_hints());
  if (issues_.size() != issues_before) return std::nullopt;
  return a;
}

std::optional<int> Parser::worker_key(const std::string& key, const std::string& item_path) {
  const bool canonical =
      !key.empty() && key.size() <= 9 && (key.size() == 1 || key[0] != '0') &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!canonical) {
    issues_.push_back({item_path, "expected a worker index (a decimal integer such as \"3\") "
                                  "as the key, got " + json_quoted(key)});
    return std::nullopt;
  }
  const int index = std::stoi(key);
  if (workers_ok_ && index >= s_.workers) {
    issues_.push_back({item_path, "worker " + key + " does not exist: workers is " +
                                      std::to_string(s_.workers) + " (indices 0.." +
                                      std::to_string(s_.workers - 1) + ")"});
    return std::nullopt;
  }
  return index;
}

std::optional<double> Parser::read_rate(JsonReader& r, const std::string& key) {
  const json* v = r.find(key);
  if (v == nullptr) return std::nullopt;
  const std::string expected = std::string("expected a rate like ") + kRateExample + ", got ";
  if (!v->is_string()) {
    r.add_issue(key, expected + JsonReader::describe_value(*v, true));
    return std::nullopt;
  }
  try {
    return parse_rate_bps(v->get<std::string>());
  } catch (const UnitError& e) {
    r.add_issue(key, expected + JsonReader::describe_value(*v) + " (" + e.what() + ")");
    return std::nullopt;
  }
}

std::optional<double> Parser::read_time(JsonReader& r, const std::string& key) {
  const json* v = r.find(key);
  if (v == nullptr) return std::nullopt;
  const std::string expected = std::string("expected a time like ") + kTimeExample + ", got ";
  if (!v->is_string()) {
    r.add_issue(key, expected + JsonReader::describe_value(*v, true));
    return std::nullopt;
  }
  try {
    return parse_time_s(v->get<std::string>());
  } catch (const UnitError& e) {
    r.add_issue(key, expected + JsonReader::describe_value(*v) + " (" + e.what() + ")");
    return std::nullopt;
  }
}

void Parser::parse_network(const json& value) {
  JsonReader r(value, ".network", issues_);
  if (!value.is_object()) return;
  NetworkOptions& net = s_.network;
  // An invalid backend leaves the default (ns3), so its keys are still checked on their own.
  if (auto backend = read_enum(r, "backend", kBackendKinds)) net.backend = *backend;
  const bool analytic = net.backend == NetworkBackendKind::kAnalytic;
  // A key of the ns3 backend is reported instead of being validated: the fix is to remove it.
  auto ns3_key = [&](const char* key) {
    if (!r.has(key)) return false;
    if (analytic) {
      r.add_issue(key, json_quoted(key) + " applies only to backend \"ns3\", not to "
                       "\"analytic\"; remove it or set \"backend\": \"ns3\"");
      return false;
    }
    return true;
  };
  bool fidelity_ok = true;
  if (ns3_key("fidelity")) {
    auto fidelity = read_enum(r, "fidelity", kFidelityKinds);
    fidelity_ok = fidelity.has_value();
    if (fidelity) net.fidelity = *fidelity;
  }
  if (auto rate = read_rate(r, "bandwidth")) net.link.rate_bps = *rate;
  if (auto latency = read_time(r, "latency")) net.link.latency_s = *latency;
  if (auto schedule = read_enum(r, "schedule", kScheduleKinds)) net.schedule = *schedule;

  if (const json* per_worker = r.find("per_worker")) {
    const std::string path = r.path_of("per_worker");
    if (!per_worker->is_object()) {
      issues_.push_back({path, "expected an object keyed by worker index, e.g. "
                               "{\"3\": {\"bandwidth\": \"100Mbps\"}}, got " +
                                   JsonReader::describe_value(*per_worker, true)});
    }
    const json& entries = per_worker->is_object() ? *per_worker : json::object();
    for (const auto& item : entries.items()) {
      const std::string& key = item.key();
      const std::string item_path = JsonReader::child_path(path, key);
      JsonReader w(item.value(), item_path, issues_);
      std::optional<double> rate = read_rate(w, "bandwidth");
      std::optional<double> latency = read_time(w, "latency");
      w.finish();
      const std::optional<int> index = worker_key(key, item_path);
      if (!index) continue;
      LinkOptions link = net.link;
      if (rate) link.rate_bps = *rate;
      if (latency) link.latency_s = *latency;
      net.per_worker[*index] = link;
    }
  }

  bool topology_ok = true;
  if (r.has("topology")) {
    auto topology = read_enum(r, "topology", kTopologyKinds);
    topology_ok = topology.has_value();
    if (topology) net.topology = *topology;
  }
  net.server_link = {net.link.rate_bps, 0.0};
  if (const json* server_link = r.find("server_link")) {
    if (topology_ok && net.topology != TopologyKind::kSwitch) {
      r.add_issue("server_link", "\"server_link\" applies only to topology \"switch\" (topology "
                                 "is " + json_quoted(to_string(net.topology)) +
                                     "); remove it or set \"topology\": \"switch\"");
    } else {
      JsonReader sr(*server_link, r.path_of("server_link"), issues_);
      if (auto rate = read_rate(sr, "bandwidth")) net.server_link.rate_bps = *rate;
      if (auto latency = read_time(sr, "latency")) net.server_link.latency_s = *latency;
      sr.finish();
    }
  }
  if (auto downlink = r.boolean("downlink")) net.downlink = *downlink;

  if (ns3_key("transport")) parse_transport(*r.find("transport"), r.path_of("transport"));
  if (ns3_key("queue_packets")) {
    if (auto v = r.integer("queue_packets", 1, kMaxUint32)) net.queue_packets = *v;
  }
  if (ns3_key("memo_warmup")) {
    if (fidelity_ok && net.fidelity == FidelityKind::kExact) {
      r.add_issue("memo_warmup", "\"memo_warmup\" applies only to fidelity \"memo\", not to "
                                 "\"exact\" (which simulates every iteration in one run, without "
                                 "warm-up runs); remove it or set \"fidelity\": \"memo\"");
    } else if (auto v = r.integer("memo_warmup", 0, kMaxInt)) {
      net.memo_warmup = *v;
    }
  }
  if (ns3_key("ns3_attributes")) {
    parse_ns3_attributes(*r.find("ns3_attributes"), r.path_of("ns3_attributes"));
  }
  r.finish(network_hints());
}

void Parser::parse_compute(const json& value) {
  JsonReader r(value, ".compute", issues_);
  if (!value.is_object()) return;
  ComputeOptions& c = s_.compute;
  const bool has_model = r.has("model");
  const std::optional<ComputeModelKind> model = read_enum(r, "model", kComputeModelKinds);
  // An invalid model leaves the keys to be checked on their own: which apply is unknown.
  const bool model_ok = !has_model || model.has_value();
  if (model) c.model = *model;
  const std::string model_text = json_quoted(to_string(c.model));
  // A key of another model is reported instead of being validated: the fix is to remove it.
  auto applies = [&](const char* key, ComputeModelKind wanted) {
    if (!r.has(key)) return false;
    if (model_ok && c.model != wanted) {
      const std::string wanted_text = json_quoted(to_string(wanted));
      r.add_issue(key, json_quoted(key) + " applies only to compute model " + wanted_text +
                           ", not to " + model_text + "; remove it or set \"model\": " +
                           wanted_text);
      return false;
    }
    return true;
  };
  if (applies("batch_time", ComputeModelKind::kFixed)) {
    if (auto t = read_time(r, "batch_time")) {
      if (*t > 0.0) {
        c.batch_time_s = *t;
      } else {
        r.add_issue("batch_time", "expected a time > 0 (one forward and backward pass of a "
                                  "worker's minibatch), e.g. \"5ms\", got " +
                                      JsonReader::describe_value(*r.find("batch_time")));
      }
    }
  } else if (model_ok && c.model == ComputeModelKind::kFixed && !r.has("batch_time")) {
    r.missing("batch_time", "a time > 0 for one forward and backward pass of a worker's "
                            "minibatch, e.g. \"5ms\" (model \"fixed\" needs it)");
  }
  if (applies("topk_time", ComputeModelKind::kFixed)) {
    if (auto t = read_time(r, "topk_time")) c.topk_time_s = *t;
  }
  if (applies("device_flops", ComputeModelKind::kFlops)) {
    if (auto v = r.number("device_flops", NumberRange::positive())) c.device_flops = *v;
  } else if (model_ok && c.model == ComputeModelKind::kFlops && !r.has("device_flops")) {
    r.missing("device_flops", "the effective FLOP/s of a worker's device, a number > 0, e.g. "
                              "2e11 (model \"flops\" needs it)");
  }
  if (applies("topk_flops_per_element", ComputeModelKind::kFlops)) {
    if (auto v = r.number("topk_flops_per_element", NumberRange::non_negative())) {
      c.topk_flops_per_element = *v;
    }
  }

  if (const json* per_worker = r.find("per_worker")) {
    const std::string path = r.path_of("per_worker");
    if (model_ok && c.model == ComputeModelKind::kNone) {
      r.add_issue("per_worker", "\"per_worker\" scales compute times, but compute model \"none\" "
                                "has none; remove it or set \"model\" to \"fixed\", "
                                "\"measured\" or \"flops\"");
    } else if (!per_worker->is_object()) {
      issues_.push_back({path, "expected an object keyed by worker index, e.g. "
                               "{\"3\": {\"speed\": 0.5}}, got " +
                                   JsonReader::describe_value(*per_worker, true)});
    } else {
      for (const auto& item : per_worker->items()) {
        const std::string& key = item.key();
        const std::string item_path = JsonReader::child_path(path, key);
        JsonReader w(item.value(), item_path, issues_);
        std::optional<double> speed = w.number("speed", NumberRange::positive());
        if (item.value().is_object() && !w.has("speed")) {
          w.missing("speed", "the worker's relative speed, a number > 0 (1 = nominal, 0.5 = "
                             "compute takes twice as long)");
        }
        w.finish(compute_worker_hints());
        const std::optional<int> index = worker_key(key, item_path);
        if (!index) continue;
        if (speed) c.speed[*index] = *speed;
      }
    }
  }
  r.finish(compute_hints());
}

void Parser::parse_transport(const json& value, const std::string& path) {
  JsonReader r(value, path, issues_);
  TransportOptions& t = s_.network.transport;
  if (auto name = r.string("congestion_control")) {
    if (is_congestion_control_name(*name)) {
      t.congestion_control = *name;
    } else {
      std::string message = "expected an ns-3 congestion control name: \"Tcp\" followed by "
                            "letters and digits, e.g. \"TcpCubic\" or \"TcpNewReno\", got " +
                            json_quoted(*name);
      if (name->rfind("ns3::", 0) == 0 && is_congestion_control_name(name->substr(5))) {
        message += "; write it without \"ns3::\": " + json_quoted(name->substr(5));
      }
      r.add_issue("congestion_control", message);
    }
  }
  const bool has_segment = r.has("segment_size");
  bool segment_ok = true;
  if (has_segment) {
    auto segment = r.integer("segment_size", 1, kMaxSegmentBytes);
    segment_ok = segment.has_value();
    if (segment) t.segment_size_bytes = *segment;
  }
  // A socket buffer smaller than one segment could never hold a full segment.
  auto read_buffer = [&](const std::string& key, int64_t& out) {
    auto bytes = r.integer(key, 1, kMaxUint32);
    if (!bytes) return;
    if (segment_ok && *bytes < t.segment_size_bytes) {
      r.add_issue(key, key + " (" + std::to_string(*bytes) + " bytes) is smaller than "
                       "segment_size (" + std::to_string(t.segment_size_bytes) + " bytes" +
                       (has_segment ? "" : ", the default") + "); raise " + key +
                       " or lower segment_size");
      return;
    }
    out = *bytes;
  };
  read_buffer("send_buffer", t.send_buffer_bytes);
  read_buffer("receive_buffer", t.receive_buffer_bytes);
  r.finish(transport_hints());
}

void Parser::parse_ns3_attributes(const json& value, const std::string& path) {
  if (!value.is_object()) {
    issues_.push_back({path, "expected an object mapping ns-3 attribute names to values, e.g. "
                             "{\"ns3::TcpSocketBase::MinRto\": \"200ms\"}, got " +
                                 JsonReader::describe_value(value, true)});
    return;
  }
  for (const auto& item : value.items()) {
    const std::string& name = item.key();
    const std::string item_path = JsonReader::child_path(path, name);
    bool ok = true;
    if (!is_attribute_name(name)) {
      std::string message = "expected an ns-3 attribute name \"ns3::<Type>::<Attribute>\", e.g. "
                            "\"ns3::TcpSocketBase::MinRto\", got " + json_quoted(name);
      // "TcpSocketBase::MinRto": the type and attribute without the namespace.
      const size_t sep = name.find("::");
      if (sep != std::string::npos && name.find("::", sep + 2) == std::string::npos &&
          is_attribute_name("ns3::" + name)) {
        message += "; did you mean " + json_quoted("ns3::" + name) + "?";
      }
      issues_.push_back({item_path, message});
      ok = false;
    }
    // ns-3 parses every attribute value from a string; numbers keep the form JSON writes.
    const json& v = item.value();
    std::string text;
    const std::string expected = "expected a string, number or boolean (the value as ns-3 "
                                 "writes it, e.g. \"200ms\" or 10), got ";
    if (v.is_string()) {
      try {
        (void)v.dump();
        text = v.get<std::string>();
      } catch (const json::type_error&) {
        issues_.push_back({item_path, "expected UTF-8 text, got bytes that are not UTF-8"});
        ok = false;
      }
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number() && std::isfinite(v.get<double>())) {
      text = v.dump();
    } else {
      issues_.push_back({item_path, expected + JsonReader::describe_value(v, true)});
      ok = false;
    }
    if (ok) s_.network.ns3_attributes[name] = text;
  }
}

void Parser::parse_sweep(const json& value) {
  const std::string path = ".sweep";
  const std::string example =
      "e.g. {\"network.bandwidth\": [\"100Mbps\", \"1Gbps\"], \"workers\": [4, 8]}";
  if (!value.is_object() || value.empty()) {
    issues_.push_back({path, "expected an object of scenario keys and the lists of values to "
                             "sweep them over, " + example + ", got " +
                                 JsonReader::describe_value(value, true)});
    return;
  }
  for (const auto& item : value.items()) {
    const std::string item_path = JsonReader::child_path(path, item.key());
    const std::string& key = item.key();
    if (key.empty() || key.front() == '.' || key.back() == '.' ||
        key.find("..") != std::string::npos) {
      issues_.push_back({item_path, "expected a dotted scenario key such as \"network.bandwidth\""});
      continue;
    }
    if (key == "sweep" || key.rfind("sweep.", 0) == 0 || key == "name") {
      issues_.push_back({item_path, "\"" + key + "\" cannot be swept"});
      continue;
    }
    if (!item.value().is_array() || item.value().empty()) {
      issues_.push_back({item_path, "expected a non-empty list of values, " + example + ", got " +
                                        JsonReader::describe_value(item.value(), true)});
      continue;
    }
    std::vector<json> values;
    for (const json& v : item.value()) {
      if (v.is_null()) {
        issues_.push_back({item_path, "null cannot be a swept value"});
        values.clear();
        break;
      }
      if (std::find(values.begin(), values.end(), v) != values.end()) {
        issues_.push_back({item_path, "the value " + v.dump() + " appears twice"});
        values.clear();
        break;
      }
      values.push_back(v);
    }
    if (!values.empty()) s_.sweep.emplace_back(key, std::move(values));
  }
}

void Parser::cross_checks() {
  if (batch_ok_ && model_ok_ && s_.model == ModelKind::kResnet18 && s_.data.batch_size < 2) {
    issues_.push_back({".data.batch_size",
                       "model \"resnet18\" has BatchNorm layers, which need batch_size >= 2 "
                       "samples per forward pass, got " + std::to_string(s_.data.batch_size)});
  }
  if (workers_ok_ && partition_ok_ && s_.data.partition == PartitionKind::kByDataset &&
      s_.workers < 2) {
    issues_.push_back({".data.partition", "partition \"by_dataset\" gives even workers one dataset "
                                          "and odd workers the other, so it needs workers >= 2"});
  }
  // Every worker needs one full minibatch per epoch from its shard.
  if (workers_ok_ && batch_ok_ && partition_ok_ && primary_ok_) {
    auto train_size = [](const DatasetSource& src) {
      return src.kind == DatasetKind::kSynthetic ? src.synthetic.train_size
                                                 : facts_of(src.kind).train_size;
    };
    const int64_t b = s_.data.batch_size;
    const int64_t m = s_.workers;
    auto check = [&](const DatasetSource& src, int64_t workers, const std::string& who) {
      const int64_t n = train_size(src);
      if (workers * b <= n) return;
      issues_.push_back({".data.batch_size",
                         who + std::to_string(workers) + " x batch_size " + std::to_string(b) +
                             " = " + std::to_string(workers * b) + " samples per iteration, but " +
                             to_string(src.kind) + " has only " + std::to_string(n) +
                             " training samples"});
    };
    if (s_.data.partition == PartitionKind::kByDataset) {
      check(s_.data.primary, (m + 1) / 2, "the even workers need ");
      if (s_.data.secondary && secondary_ok_) check(*s_.data.secondary, m / 2, "the odd workers need ");
    } else {
      check(s_.data.primary, m, "workers ");
    }
  }
}

json source_to_json(const DatasetSource& src) {
  json j;
  j["dataset"] = to_string(src.kind);
  if (src.kind == DatasetKind::kSynthetic) {
    j["synthetic"] = {{"train_size", src.synthetic.train_size},
                      {"test_size", src.synthetic.test_size},
                      {"classes", src.synthetic.classes},
                      {"shape", src.synthetic.shape},
                      {"noise", src.synthetic.noise}};
  } else {
    j["path"] = src.path;
  }
  j["normalize"] = {{"mean", src.mean}, {"std", src.std}};
  return j;
}

json link_to_json(const LinkOptions& link) {
  return {{"bandwidth", format_rate(link.rate_bps)}, {"latency", format_time(link.latency_s)}};
}

// Reads the file as JSON, recording (not throwing) duplicate keys: JSON parsers silently keep
// the last of them, which hides a typo'd second copy of a setting.
json read_json_file(const std::string& file, std::vector<ScenarioIssue>& issues) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ScenarioError(file, {{"", "is a directory, not a scenario file"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ScenarioError(file, {{"", std::string("cannot read the file: ") + std::strerror(errno)}});
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  struct Frame {
    bool is_array;
    std::string path;
    size_t next_index = 0;
    std::string key;
    std::set<std::string> keys;
  };
  std::vector<Frame> frames;
  auto value_path = [&frames]() -> std::string {
    if (frames.empty()) return "";
    Frame& top = frames.back();
    return top.is_array ? JsonReader::index_path(top.path, top.next_index++)
                        : JsonReader::child_path(top.path, top.key);
  };
  auto callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: {
        std::string path = value_path();
        frames.push_back({false, std::move(path), 0, {}, {}});
        break;
      }
      case json::parse_event_t::array_start: {
        std::string path = value_path();
        frames.push_back({true, std::move(path), 0, {}, {}});
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case json::parse_event_t::key:
        if (!frames.empty()) {
          Frame& top = frames.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) {
            issues.push_back({JsonReader::child_path(top.path, top.key),
                              "duplicate key " + json_quoted(top.key) +
                                  ": only one of its values would be used; remove the other"});
          }
        }
        break;
      case json::parse_event_t::value:
        if (!frames.empty() && frames.back().is_array) ++frames.back().next_index;
        break;
    }
    return true;
  };
  try {
    return json::parse(text, callback);
  } catch (const json::parse_error& e) {
    // Drop the "[json.exception.parse_error.101] " prefix: the rest says where and what.
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    throw ScenarioError(file, {{"", "not valid JSON: " + what}});
  }
}

}  // namespace

Scenario parse_scenario(const json& doc, const std::string& source, const ParseOptions& options) {
  std::vector<ScenarioIssue> issues;
  Parser parser(options, issues);
  Scenario scenario = parser.parse(doc);
  if (!issues.empty()) throw ScenarioError(source, std::move(issues));
  scenario.resolved = scenario_to_json(scenario);
  return scenario;
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                       const ParseOptions& options) {
  std::vector<ScenarioIssue> duplicates;
  json doc = read_json_file(file, duplicates);
  apply_overrides(doc, overrides);
  std::vector<ScenarioIssue> issues = duplicates;
  Parser parser(options, issues);
  Scenario scenario = parser.parse(doc);
  if (!issues.empty()) throw ScenarioError(file, std::move(issues));
  scenario.resolved = scenario_to_json(scenario);
  return scenario;
}

json scenario_to_json(const Scenario& s) {
  json j;
  j["name"] = s.name;
  j["description"] = s.description;
  if (s.seeds.empty()) {
    j["seed"] = s.seed;
  } else {
    j["seeds"] = s.seeds;
  }
  j["device"] = to_string(s.device);
  j["threads"] = s.threads;
  j["workers"] = s.workers;

  json data = source_to_json(s.data.primary);
  if (s.data.secondary) data["second"] = source_to_json(*s.data.secondary);
  data["partition"] = to_string(s.data.partition);
  if (s.data.partition == PartitionKind::kDirichlet) data["dirichlet_alpha"] = s.data.dirichlet_alpha;
  data["batch_size"] = s.data.batch_size;
  data["augment"] = {{"crop_padding", s.data.augment.crop_padding},
                     {"horizontal_flip", s.data.augment.horizontal_flip},
                     {"rotation_degrees", s.data.augment.rotation_degrees}};
  j["data"] = data;

  j["model"] = to_string(s.model);

  json train;
  if (s.train.iterations) train["iterations"] = *s.train.iterations;
  if (s.train.epochs) train["epochs"] = *s.train.epochs;
  train["lr"] = s.train.lr;
  json schedule = {{"type", to_string(s.train.lr_schedule.kind)}};
  if (s.train.lr_schedule.kind == LrScheduleKind::kStep) {
    schedule["milestones"] = s.train.lr_schedule.milestones_epochs;
    schedule["gamma"] = s.train.lr_schedule.gamma;
  }
  train["lr_schedule"] = schedule;
  train["eval_every"] = s.train.eval_every;
  train["eval_batch_size"] = s.train.eval_batch_size;
  if (s.train.eval_samples) train["eval_samples"] = *s.train.eval_samples;
  if (s.train.target_accuracy) train["target_accuracy"] = *s.train.target_accuracy;
  train["target_top5"] = s.train.target_top5;
  j["train"] = train;

  json algorithms = json::array();
  for (const AlgorithmOptions& a : s.algorithms) {
    json o = {{"name", to_string(a.kind)}, {"label", a.label}};
    if (a.kind == AlgorithmKind::kSparse || a.kind == AlgorithmKind::kSasg) {
      o["density"] = a.density;
      o["topk_scope"] = to_string(a.topk_scope);
    }
    if (a.kind == AlgorithmKind::kLasg || a.kind == AlgorithmKind::kSasg) {
      o["D"] = a.max_delay;
      if (a.xi.empty()) {
        o["kappa"] = a.kappa;
        o["c_factor"] = a.c_factor;
        o["threshold_lr"] = to_string(a.threshold_lr);
      } else {
        o["xi"] = a.xi;
      }
    }
    algorithms.push_back(o);
  }
  j["algorithms"] = algorithms;

  const NetworkOptions& net = s.network;
  const bool ns3 = net.backend == NetworkBackendKind::kNs3;
  json network = link_to_json(net.link);
  network["backend"] = to_string(net.backend);
  if (ns3) network["fidelity"] = to_string(net.fidelity);
  network["schedule"] = to_string(net.schedule);
  json per_worker = json::object();
  for (const auto& [index, link] : net.per_worker) {
    per_worker[std::to_string(index)] = link_to_json(link);
  }
  network["per_worker"] = per_worker;
  network["topology"] = to_string(net.topology);
  if (net.topology == TopologyKind::kSwitch) network["server_link"] = link_to_json(net.server_link);
  network["downlink"] = net.downlink;
  if (ns3) {
    json transport = {{"segment_size", net.transport.segment_size_bytes},
                      {"send_buffer", net.transport.send_buffer_bytes},
                      {"receive_buffer", net.transport.receive_buffer_bytes}};
    if (!net.transport.congestion_control.empty()) {
      transport["congestion_control"] = net.transport.congestion_control;
    }
    network["transport"] = transport;
    network["queue_packets"] = net.queue_packets;
    if (net.fidelity == FidelityKind::kMemo) network["memo_warmup"] = net.memo_warmup;
    json attributes = json::object();
    for (const auto& [name, text] : net.ns3_attributes) attributes[name] = text;
    network["ns3_attributes"] = attributes;
  }
  j["network"] = network;

  const ComputeOptions& c = s.compute;
  json compute = {{"model", to_string(c.model)}};
  if (c.model == ComputeModelKind::kFixed) {
    compute["batch_time"] = format_time(c.batch_time_s);
    compute["topk_time"] = format_time(c.topk_time_s);
  } else if (c.model == ComputeModelKind::kFlops) {
    compute["device_flops"] = c.device_flops;
    compute["topk_flops_per_element"] = c.topk_flops_per_element;
  }
  if (c.model != ComputeModelKind::kNone) {
    json speeds = json::object();
    for (const auto& [index, speed] : c.speed) speeds[std::to_string(index)] = {{"speed", speed}};
    compute["per_worker"] = speeds;
  }
  j["compute"] = compute;
  if (!s.sweep.empty()) {
    json sweep = json::object();
    for (const auto& [key, values] : s.sweep) sweep[key] = values;
    j["sweep"] = sweep;
  }
  return j;
}

}  // namespace sasgsim
