// The parsed, validated scenario: plain immutable structs built once from a JSON file.
// Every field has its unit in its name or comment and the default that the parser applies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim {

enum class DeviceKind { kAuto, kCpu, kCuda };
enum class DatasetKind { kMnist, kFashionMnist, kCifar10, kCifar100, kSynthetic };
enum class PartitionKind { kIid, kByDataset, kDirichlet };
enum class ModelKind { kFc512, kResnet18, kCnn };
enum class AlgorithmKind { kSgd, kSparse, kLasg, kSasg };
enum class NetworkBackendKind { kAnalytic, kNs3 };
// ns3 backend: one continuous simulation of every iteration, or each distinct upload pattern
// simulated once in a warmed-up network and reused.
enum class FidelityKind { kMemo, kExact };
// Workers linked straight to the server, or through one switch and a server access link.
enum class TopologyKind { kDirect, kSwitch };
enum class ScheduleKind { kSequential, kConcurrent };
enum class LrScheduleKind { kConstant, kStep };
// Which learning rate enters the LASG/SASG threshold constant c = c_factor * lr * M^2.
enum class ThresholdLrKind { kCurrent, kLagged };
enum class TopkScope { kPerTensor, kGlobal };

// Names as they appear in scenario files ("fashion-mnist", "sasg", ...).
const char* to_string(DeviceKind v);
const char* to_string(DatasetKind v);
const char* to_string(PartitionKind v);
const char* to_string(ModelKind v);
const char* to_string(AlgorithmKind v);
const char* to_string(NetworkBackendKind v);
const char* to_string(ScheduleKind v);
const char* to_string(FidelityKind v);
const char* to_string(TopologyKind v);
const char* to_string(LrScheduleKind v);
const char* to_string(ThresholdLrKind v);
const char* to_string(TopkScope v);

struct SyntheticOptions {
  int64_t train_size = 2000;             // training samples
  int64_t test_size = 500;               // test samples
  int64_t classes = 10;                  // number of classes
  std::vector<int64_t> shape{1, 28, 28}; // sample shape C, H, W
  double noise = 1.0;                    // std of Gaussian noise around each class mean
};

struct DatasetSource {
  DatasetKind kind = DatasetKind::kMnist;
  // Directory holding the dataset files, resolved to an absolute path by the parser.
  // Default: data/mnist, /usr/share/datasets/fashion-mnist, data/cifar10, data/cifar100.
  std::string path;
  // Per-channel normalization; defaults are the dataset's usual statistics.
  std::vector<double> mean;
  std::vector<double> std;
  SyntheticOptions synthetic;            // used when kind == kSynthetic
};

struct AugmentOptions {
  int64_t crop_padding = 0;  // random crop to the original size after zero padding, pixels; 0 = off
  bool horizontal_flip = false;  // random horizontal flip with probability 0.5
  double rotation_degrees = 0.0;  // random rotation in [-d, d] degrees; 0 = off
};

struct DataOptions {
  DatasetSource primary;                     // data.dataset / data.path
  std::optional<DatasetSource> secondary;    // data.second: odd workers under by_dataset
  PartitionKind partition = PartitionKind::kIid;
  double dirichlet_alpha = 0.5;              // concentration of the Dirichlet label skew
  int64_t batch_size = 10;                   // samples per worker per iteration
  AugmentOptions augment;
};

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::kConstant;
  std::vector<double> milestones_epochs;  // step: multiply by gamma at each of these epochs
  double gamma = 0.1;                     // step: factor applied at each milestone
};

struct TrainOptions {
  // Exactly one of iterations / epochs is given; the runtime resolves epochs into iterations
  // once the dataset size is known (iterations per epoch = train size / (workers * batch)).
  std::optional<int64_t> iterations;
  std::optional<double> epochs;
  double lr = 0.005;                     // learning rate alpha
  LrSchedule lr_schedule;
  int64_t eval_every = 100;              // iterations between test-set evaluations
  std::optional<double> target_accuracy; // percent, top-1 (or top-5 with target_top5)
  bool target_top5 = false;              // compare target_accuracy with top-5 accuracy
  int64_t eval_batch_size = 1000;        // samples per forward pass during evaluation
  // Evaluate on the first N test samples only (a shortened run, e.g. in tests); none: all.
  std::optional<int64_t> eval_samples;
};

struct AlgorithmOptions {
  AlgorithmKind kind = AlgorithmKind::kSgd;
  std::string label;            // output directory name; default: the algorithm name
  double density = 0.01;        // h: fraction of entries kept by top-k (sparse, sasg)
  TopkScope topk_scope = TopkScope::kPerTensor;
  int64_t max_delay = 10;       // D: history length / max delay (lasg, sasg)
  double kappa = 1.0;           // threshold scale (lasg, sasg)
  double c_factor = 2.0;        // c = c_factor * lr * M^2 (lasg, sasg)
  ThresholdLrKind threshold_lr = ThresholdLrKind::kCurrent;
  // Alternative paper form: thr = sum_d xi_d ||dtheta_d||^2 / (lr^2 M^2); D-1 values when set.
  std::vector<double> xi;
};

struct LinkOptions {
  double rate_bps = 1e9;      // link rate, bits per second (each direction; links are full duplex)
  double latency_s = 1e-4;    // one-way propagation latency, seconds
};

// TCP settings of the ns3 backend's persistent worker-server connections.
struct TransportOptions {
  // ns-3 congestion control TypeId name without the "ns3::" prefix (e.g. "TcpCubic");
  // empty = ns-3's default (TcpCubic in ns-3.37).
  std::string congestion_control;
  int64_t segment_size_bytes = 1448;      // TCP MSS: 1500-byte MTU minus IP, TCP and timestamps
  int64_t send_buffer_bytes = 131072;     // TCP send buffer of every socket (ns-3's default)
  int64_t receive_buffer_bytes = 131072;  // TCP receive buffer of every socket (ns-3's default)
};

struct NetworkOptions {
  NetworkBackendKind backend = NetworkBackendKind::kNs3;
  FidelityKind fidelity = FidelityKind::kMemo;  // ns3 only
  ScheduleKind schedule = ScheduleKind::kSequential;
  LinkOptions link;                      // every worker's link unless overridden
  std::map<int, LinkOptions> per_worker; // worker index -> its link
  TopologyKind topology = TopologyKind::kDirect;
  // switch topology: the link between the switch and the server, shared by all workers.
  // Default: rate = link.rate_bps, latency 0 (so a worker's path latency is its own link's).
  LinkOptions server_link{1e9, 0.0};
  // After the uploads, the server sends the dense model (model_payload_bytes) to every worker
  // at once; the iteration's communication time then ends at the last worker's delivery.
  bool downlink = false;
  TransportOptions transport;            // ns3 only
  int64_t queue_packets = 100;           // ns3: drop-tail queue of every interface, packets
  int64_t memo_warmup = 2;               // ns3 memo: runs of a pattern before the measured one
  // ns3: raw attribute defaults, name -> value, applied with ns3::Config::SetDefault after
  // sasgsim's own settings (e.g. {"ns3::TcpSocketBase::MinRto": "200ms"}).
  std::map<std::string, std::string> ns3_attributes;
  LinkOptions link_of(int worker) const {
    auto it = per_worker.find(worker);
    return it == per_worker.end() ? link : it->second;
  }
};

enum class ComputeModelKind { kNone, kFixed, kMeasured, kFlops };
const char* to_string(ComputeModelKind v);

// How long the workers' computation takes in simulated time (simulated wall clock =
// compute + communication). Per iteration every worker computes its gradient, plus the
// auxiliary gradient (lasg, sasg) and the top-k selection (sparse, sasg) when it needs them.
struct ComputeOptions {
  // none: no compute time (the paper's view); fixed: the times below; measured: timed on this
  // machine; flops: model FLOPs / device_flops.
  ComputeModelKind model = ComputeModelKind::kNone;
  double batch_time_s = 0.0;             // fixed: one forward+backward of a worker's minibatch
  double topk_time_s = 0.0;              // fixed: one top-k selection with error feedback
  double device_flops = 0.0;             // flops: effective FLOP/s of a worker's device
  double topk_flops_per_element = 20.0;  // flops: top-k selection cost per model parameter
  std::map<int, double> speed;           // worker -> relative speed (default 1): time / speed
  double speed_of(int worker) const {
    auto it = speed.find(worker);
    return it == speed.end() ? 1.0 : it->second;
  }
};

struct Scenario {
  std::string name;                      // [A-Za-z0-9_.-]+: names the results directory
  std::string description;               // free text for people; not used by the simulator
  uint64_t seed = 42;
  // "seeds": run every algorithm once per seed (results in seed-<s>/ subdirectories); empty
  // for a single-seed run. `seed` is then the first of them.
  std::vector<uint64_t> seeds;
  DeviceKind device = DeviceKind::kAuto;
  int threads = 0;                       // LibTorch intra-op threads; 0 = chosen by sasgsim
  int workers = 10;                      // M
  DataOptions data;
  ModelKind model = ModelKind::kFc512;
  TrainOptions train;
  std::vector<AlgorithmOptions> algorithms;
  NetworkOptions network;
  ComputeOptions compute;
  // "sweep": scenario keys (dotted paths, as for --set) and the values `sasgsim sweep` gives
  // them, in key order; the sweep runs their cartesian product. Empty for a single run.
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> sweep;
  nlohmann::json resolved;               // the scenario with every default filled in
};

}  // namespace sasgsim
