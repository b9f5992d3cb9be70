// The parsed, validated scenario: plain structs built once from a JSON file. Every field's
// default is its initializer here; its key, range, unit and meaning are declared once in the
// scenario schema (ScenarioSchema.h), which parses, writes and documents it.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/AlgorithmType.h"
#include "sim/scenario/DatasetCatalog.h"
#include "sim/scenario/EnumNames.h"

namespace sasgsim {

enum class DeviceKind { kAuto, kCpu, kCuda };
enum class PartitionKind { kIid, kByDataset, kDirichlet };
enum class ModelKind { kFc512, kResnet18, kCnn };
enum class NetworkBackendKind { kNs3, kAnalytic };
// ns3 backend: each distinct upload pattern simulated once in a warmed-up network and reused,
// or one continuous simulation of every iteration.
enum class FidelityKind { kMemo, kExact };
// Workers linked straight to a server with one network card per worker, or through one switch
// to a server with one card (its access link).
enum class TopologyKind { kDirect, kSwitch };
// The parameter server on a host of its own, or in the process of worker 0 (the paper's
// testbed: worker 0's upload crosses no network but still counts as a round).
enum class ServerPlacementKind { kDedicated, kWorker0 };
// TCP defaults: as close to Linux's as ns-3 allows, or ns-3's own.
enum class TransportProfileKind { kLinux, kNs3 };
enum class ScheduleKind { kSequential, kConcurrent };
// The switch ports' queueing: ns-3's drop-tail device queue alone, or an ns-3 queue disc
// (traffic-control module) in front of a one-packet device queue.
enum class QueueDisciplineKind { kDropTail, kFifo, kRed, kCoDel, kFqCoDel, kPie };
enum class LrScheduleKind { kConstant, kStep };
// Every worker's gradients in one batched pass where the model has one, or one worker at a time.
enum class WorkerGradientsKind { kBatched, kPerWorker };
enum class ComputeModelKind { kNone, kFixed, kMeasured, kFlops };

template <>
struct EnumNames<DeviceKind> {
  static constexpr std::pair<DeviceKind, const char*> kNames[] = {
      {DeviceKind::kAuto, "auto"}, {DeviceKind::kCpu, "cpu"}, {DeviceKind::kCuda, "cuda"}};
};
template <>
struct EnumNames<PartitionKind> {
  static constexpr std::pair<PartitionKind, const char*> kNames[] = {
      {PartitionKind::kIid, "iid"},
      {PartitionKind::kByDataset, "by_dataset"},
      {PartitionKind::kDirichlet, "dirichlet"}};
};
template <>
struct EnumNames<ModelKind> {
  static constexpr std::pair<ModelKind, const char*> kNames[] = {
      {ModelKind::kFc512, "fc512"}, {ModelKind::kResnet18, "resnet18"}, {ModelKind::kCnn, "cnn"}};
};
template <>
struct EnumNames<NetworkBackendKind> {
  static constexpr std::pair<NetworkBackendKind, const char*> kNames[] = {
      {NetworkBackendKind::kNs3, "ns3"}, {NetworkBackendKind::kAnalytic, "analytic"}};
};
template <>
struct EnumNames<FidelityKind> {
  static constexpr std::pair<FidelityKind, const char*> kNames[] = {
      {FidelityKind::kMemo, "memo"}, {FidelityKind::kExact, "exact"}};
};
template <>
struct EnumNames<TopologyKind> {
  static constexpr std::pair<TopologyKind, const char*> kNames[] = {
      {TopologyKind::kDirect, "direct"}, {TopologyKind::kSwitch, "switch"}};
};
template <>
struct EnumNames<ServerPlacementKind> {
  static constexpr std::pair<ServerPlacementKind, const char*> kNames[] = {
      {ServerPlacementKind::kDedicated, "dedicated"}, {ServerPlacementKind::kWorker0, "worker0"}};
};
template <>
struct EnumNames<TransportProfileKind> {
  static constexpr std::pair<TransportProfileKind, const char*> kNames[] = {
      {TransportProfileKind::kLinux, "linux"}, {TransportProfileKind::kNs3, "ns3"}};
};
template <>
struct EnumNames<ScheduleKind> {
  static constexpr std::pair<ScheduleKind, const char*> kNames[] = {
      {ScheduleKind::kSequential, "sequential"}, {ScheduleKind::kConcurrent, "concurrent"}};
};
template <>
struct EnumNames<QueueDisciplineKind> {
  static constexpr std::pair<QueueDisciplineKind, const char*> kNames[] = {
      {QueueDisciplineKind::kDropTail, "drop_tail"}, {QueueDisciplineKind::kFifo, "fifo"},
      {QueueDisciplineKind::kRed, "red"},           {QueueDisciplineKind::kCoDel, "codel"},
      {QueueDisciplineKind::kFqCoDel, "fq_codel"},  {QueueDisciplineKind::kPie, "pie"}};
};
template <>
struct EnumNames<WorkerGradientsKind> {
  static constexpr std::pair<WorkerGradientsKind, const char*> kNames[] = {
      {WorkerGradientsKind::kBatched, "batched"}, {WorkerGradientsKind::kPerWorker, "per_worker"}};
};
template <>
struct EnumNames<LrScheduleKind> {
  static constexpr std::pair<LrScheduleKind, const char*> kNames[] = {
      {LrScheduleKind::kConstant, "constant"}, {LrScheduleKind::kStep, "step"}};
};
template <>
struct EnumNames<ComputeModelKind> {
  static constexpr std::pair<ComputeModelKind, const char*> kNames[] = {
      {ComputeModelKind::kNone, "none"},
      {ComputeModelKind::kFixed, "fixed"},
      {ComputeModelKind::kMeasured, "measured"},
      {ComputeModelKind::kFlops, "flops"}};
};

struct SyntheticOptions {
  int64_t train_size = 2000;             // training samples
  int64_t test_size = 500;               // test samples
  int64_t classes = 10;                  // number of classes
  std::vector<int64_t> shape{1, 28, 28}; // sample shape C, H, W
  double noise = 1.0;                    // std of Gaussian noise around each class mean
};

struct DatasetSource {
  DatasetKind kind = DatasetKind::kMnist;
  // Directory holding the dataset files, absolute; default: the catalog's default_path.
  std::string path;
  // Per-channel normalization; defaults are the catalog's statistics (synthetic: 0 and 1).
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
  // Percent, top-1 (or top-5 with target_top5): the target is reached by the first evaluation
  // whose accuracy is strictly above it.
  std::optional<double> target_accuracy;
  bool target_top5 = false;              // compare target_accuracy with top-5 accuracy
  bool stop_at_target = false;           // end the run at the evaluation that reaches the target
  WorkerGradientsKind worker_gradients = WorkerGradientsKind::kBatched;
  int64_t eval_batch_size = 1000;        // samples per forward pass during evaluation
  // Evaluate on the first N test samples only (a shortened run, e.g. in tests); none: all.
  std::optional<int64_t> eval_samples;
};

struct LinkOptions {
  double rate_bps = 1e9;      // link rate, bits per second (each direction; links are full duplex)
  double latency_s = 1e-4;    // one-way propagation latency, seconds
};

// TCP settings of the ns3 backend's persistent worker-server connections. The optional ones
// default by profile (see TransportDefaults) and are filled when the scenario is parsed.
struct TransportOptions {
  TransportProfileKind profile = TransportProfileKind::kLinux;
  // ns-3 congestion control TypeId name without the "ns3::" prefix (e.g. "TcpCubic");
  // empty = ns-3's default (the ns3 profile only).
  std::string congestion_control;
  int64_t segment_size_bytes = 1448;      // TCP MSS: 1500-byte MTU minus IP, TCP and timestamps
  std::optional<int64_t> send_buffer_bytes;     // TCP send buffer of every socket
  std::optional<int64_t> receive_buffer_bytes;  // TCP receive buffer of every socket
  std::optional<double> min_rto_s;              // lower bound of the retransmission timeout
  std::optional<double> delayed_ack_timeout_s;  // longest wait before a delayed ACK
  int64_t delayed_ack_count = 2;                // segments acknowledged by one ACK
  int64_t initial_window_segments = 10;         // initial congestion window
};

// The switch's link to the server: the server's one network card.
struct ServerLinkOptions {
  double rate_bps = 1e9;                     // both directions unless given below
  bool rate_follows_link = true;             // rate_bps is the workers' rate (not given)
  double latency_s = 0.0;
  std::optional<double> upload_rate_bps;     // switch -> server: carries the uploads
  std::optional<double> download_rate_bps;   // server -> switch: carries the model broadcast
  double upload_rate() const { return upload_rate_bps.value_or(rate_bps); }
  double download_rate() const { return download_rate_bps.value_or(rate_bps); }
};

// Software costs of one message, on the hosts at its two ends, and the Gloo-like rendezvous
// (the receiver's ready message crosses the network before each send). Rates are bit/s;
// infinity: no per-byte cost.
struct MessageCosts {
  int64_t rendezvous_bytes = 48;             // the ready message; 0: sends start unprompted
  double send_per_message_s = 20e-6;         // sender: framework overhead per message
  double send_rate_bps = 16e9;               // sender: serialization, device-to-host copy
  double receive_per_message_s = 20e-6;      // receiver: framework overhead per message
  double receive_rate_bps = 16e9;            // receiver: deserialization, copies
  double aggregation_rate_bps = 32e9;        // server: adding a received payload to the sum
  double send_s(int64_t bytes) const { return send_per_message_s + per_byte(bytes, send_rate_bps); }
  double receive_s(int64_t bytes) const {
    return receive_per_message_s + per_byte(bytes, receive_rate_bps);
  }
  double aggregation_s(int64_t bytes) const { return per_byte(bytes, aggregation_rate_bps); }
  static double per_byte(int64_t bytes, double rate_bps) {
    return 8.0 * static_cast<double>(bytes) / rate_bps;  // 0 at an infinite rate
  }
  // These costs without the hosts' part: only the rendezvous remains.
  MessageCosts network_only() const {
    constexpr double kFree = std::numeric_limits<double>::infinity();
    return {rendezvous_bytes, 0.0, kFree, 0.0, kFree, kFree};
  }
  // No costs at all: no rendezvous, free hosts (a pure network model).
  static MessageCosts none() {
    MessageCosts c = MessageCosts{}.network_only();
    c.rendezvous_bytes = 0;
    return c;
  }
};

// Random packet loss on every link (ns-3 error models on every receiving interface).
struct LossOptions {
  double rate = 0.0;             // fraction of packets lost, 0 .. 1
  int64_t burst_packets = 1;     // mean packets per loss event; 1: independent losses
};

struct NetworkOptions {
  NetworkBackendKind backend = NetworkBackendKind::kNs3;
  FidelityKind fidelity = FidelityKind::kMemo;  // ns3 only
  LinkOptions link;                      // every worker's link unless overridden
  ScheduleKind schedule = ScheduleKind::kSequential;
  std::map<int, LinkOptions> per_worker; // worker index -> its link
  TopologyKind topology = TopologyKind::kSwitch;
  ServerPlacementKind server = ServerPlacementKind::kDedicated;
  // switch topology: the server's card, shared by all workers. Default: rate = link.rate_bps,
  // latency 0 (so a worker's path latency is its own link's).
  ServerLinkOptions server_link;
  // Bytes each frame costs on the wire beyond its IP packet: Ethernet's 38 (preamble 8,
  // header 14, FCS 4, inter-frame gap 12); 2 is ns-3's bare PPP framing.
  int64_t framing_bytes = 38;
  MessageCosts costs;
  LossOptions loss;                      // ns3 exact only
  // After the uploads, the server sends the dense model (model_payload_bytes) to every worker
  // at once; the iteration's communication time then ends at the last worker's delivery.
  bool downlink = false;
  TransportOptions transport;            // ns3 only
  int64_t queue_packets = 100;           // ns3: each switch port's queue, packets
  QueueDisciplineKind queue_discipline = QueueDisciplineKind::kDropTail;  // ns3: switch ports
  int64_t memo_warmup = 2;               // ns3 memo: runs of a pattern before the measured one
  // ns3: raw attribute defaults, name -> value, applied with ns3::Config::SetDefault after
  // sasgsim's own settings (e.g. {"ns3::TcpSocketBase::MinRto": "200ms"}).
  std::map<std::string, std::string> ns3_attributes;
  LinkOptions link_of(int worker) const {
    auto it = per_worker.find(worker);
    return it == per_worker.end() ? link : it->second;
  }
  // Whether worker m's upload crosses the network (not when the server is in its process).
  bool is_remote(int worker) const {
    return !(server == ServerPlacementKind::kWorker0 && worker == 0);
  }
};

// The transport settings the ns3 backend uses: the scenario's, with the keys it left to the
// profile filled in (buffers from the topology's bandwidth-delay product).
TransportOptions resolved_transport(const NetworkOptions& options);

// How long the workers' computation takes in simulated time (simulated wall clock =
// compute + communication). Per iteration every worker computes what its algorithm asks for:
// its gradient, an auxiliary gradient (lasg, sasg), a top-k selection (sparse, sasg).
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
  std::vector<AlgorithmConfig> algorithms;
  NetworkOptions network;
  ComputeOptions compute;
  // "sweep": scenario keys (dotted paths, as for --set) and the values `sasgsim sweep` gives
  // them, in key order; the sweep runs their cartesian product. Empty for a single run.
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> sweep;
  nlohmann::json resolved;               // the scenario with every default filled in
};

}  // namespace sasgsim
