// The "network" section: backend, links, topology, TCP settings and raw ns-3 attributes.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "sim/scenario/ScenarioSchema.h"

namespace sasgsim {
namespace {

using nlohmann::json;

// ns-3 holds socket buffer and queue sizes in 32 bits: larger values are rejected here rather
// than truncated there.
constexpr int64_t kMaxUint32 = 4294967295;
constexpr int64_t kMaxSegmentBytes = 65000;
const std::vector<json> kNs3{"ns3"};

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

std::string congestion_control_problem(const std::string& name) {
  if (is_congestion_control_name(name)) return "";
  std::string message = "expected an ns-3 congestion control name: \"Tcp\" followed by letters "
                        "and digits, e.g. \"TcpCubic\" or \"TcpNewReno\", got " + JsonReader::quote(name);
  if (name.rfind("ns3::", 0) == 0 && is_congestion_control_name(name.substr(5))) {
    message += "; write it without \"ns3::\": " + JsonReader::quote(name.substr(5));
  }
  return message;
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

std::string attribute_name_problem(const std::string& name) {
  if (is_attribute_name(name)) return "";
  std::string message = "expected an ns-3 attribute name \"ns3::<Type>::<Attribute>\", e.g. "
                        "\"ns3::TcpSocketBase::MinRto\", got " + JsonReader::quote(name);
  // "TcpSocketBase::MinRto": the type and attribute without the namespace.
  const size_t sep = name.find("::");
  if (sep != std::string::npos && name.find("::", sep + 2) == std::string::npos &&
      is_attribute_name("ns3::" + name)) {
    message += "; did you mean " + JsonReader::quote("ns3::" + name) + "?";
  }
  return message;
}

// ns-3 parses every attribute value from a string; numbers keep the form JSON writes.
std::optional<std::string> attribute_value(const json& v, const std::string& path,
                                           std::vector<ScenarioIssue>& issues) {
  if (v.is_string()) {
    if (std::string problem = utf8_problem(v.get<std::string>()); !problem.empty()) {
      issues.push_back({path, std::move(problem)});
      return std::nullopt;
    }
    return v.get<std::string>();
  }
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number() && std::isfinite(v.get<double>())) return v.dump();
  issues.push_back({path, "expected a string, number or boolean (the value as ns-3 writes it, "
                          "e.g. \"200ms\" or 10), got " + JsonReader::describe_value(v, true)});
  return std::nullopt;
}

bool read_ns3_attributes(const json& v, const std::string& path, const SchemaPlace&,
                         ParseContext& ctx, NetworkOptions& out) {
  if (!v.is_object()) {
    ctx.issues.push_back({path, "expected an object mapping ns-3 attribute names to values, "
                                "e.g. {\"ns3::TcpSocketBase::MinRto\": \"200ms\"}, got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  bool ok = true;
  for (const auto& item : v.items()) {
    const std::string item_path = JsonReader::child_path(path, item.key());
    const std::string problem = attribute_name_problem(item.key());
    if (!problem.empty()) ctx.issues.push_back({item_path, problem});
    const std::optional<std::string> text = attribute_value(item.value(), item_path, ctx.issues);
    if (problem.empty() && text) out.ns3_attributes[item.key()] = *text;
    ok = ok && problem.empty() && text.has_value();
  }
  return ok;
}

// A socket buffer smaller than one segment could never hold a full segment.
void check_buffers(SectionScope<TransportOptions>& scope) {
  if (!scope.ok("segment_size")) return;
  const TransportOptions& t = scope.value;
  for (const auto& [key, bytes] :
       {std::pair<const char*, std::optional<int64_t>>{"send_buffer", t.send_buffer_bytes},
        {"receive_buffer", t.receive_buffer_bytes}}) {
    if (!scope.given(key) || !scope.ok(key) || !bytes || *bytes >= t.segment_size_bytes) continue;
    scope.reader.add_issue(key, std::string(key) + " (" + std::to_string(*bytes) +
                                    " bytes) is smaller than segment_size (" +
                                    std::to_string(t.segment_size_bytes) + " bytes" +
                                    (scope.given("segment_size") ? "" : ", the default") +
                                    "); raise " + key + " or lower segment_size");
  }
}

const Section<TransportOptions>& transport_section() {
  static const Section<TransportOptions> keys = [] {
    Section<TransportOptions> s;
    s.choice("profile", &TransportOptions::profile)
        .meaning("`linux`: the defaults below as close to Linux's TCP as ns-3 allows (Cubic, "
                 "MinRto 200 ms, delayed ACKs after at most 40 ms, initial window 10, buffers "
                 "as Linux autotuning reaches them, 15 retransmissions of a segment before a "
                 "connection is abandoned); `ns3`: ns-3.37's own defaults (MinRto 1 s, delayed "
                 "ACK timeout 200 ms, 131072-byte buffers, 6 retransmissions). Keys given below "
                 "override the profile.");
    s.string("congestion_control", &TransportOptions::congestion_control,
             congestion_control_problem)
        .written_if([](const TransportOptions& t) { return !t.congestion_control.empty(); })
        .defaults("`TcpCubic` (linux; Linux's default); ns-3's default, `TcpCubic` in ns-3.37 "
                  "(ns3)")
        .allowed("`Tcp` followed by letters and digits, naming an ns-3 `TcpCongestionOps` "
                 "(without `ns3::`)")
        .alias("SocketType", "ns-3's TcpL4Protocol::SocketType")
        .meaning("ns-3.37 has `TcpBbr`, `TcpBic`, `TcpCubic`, `TcpDctcp`, `TcpHighSpeed`, "
                 "`TcpHtcp`, `TcpHybla`, `TcpIllinois`, `TcpLedbat`, `TcpLinuxReno`, `TcpLp`, "
                 "`TcpNewReno`, `TcpScalable`, `TcpVegas`, `TcpVeno`, `TcpWestwood`, `TcpYeah`. "
                 "Whether ns-3 has it is checked when the scenario is validated or run.");
    s.integer("segment_size", &TransportOptions::segment_size_bytes, 1, kMaxSegmentBytes)
        .unit("bytes")
        .alias("mss", "the TCP MSS")
        .alias("SegmentSize", "ns-3's SegmentSize")
        .meaning("TCP MSS: 1448 = 1500-byte MTU minus 52 bytes of IP and TCP headers with "
                 "timestamps.");
    s.integer("send_buffer", &TransportOptions::send_buffer_bytes, 1, kMaxUint32)
        .unit("bytes")
        .defaults("linux: the larger of 4194304 (Linux's `tcp_wmem` maximum) and twice the "
                  "largest bandwidth-delay product of the topology; ns3: 131072")
        .allowed("`segment_size` .. 4294967295")
        .alias("SndBufSize", "ns-3's SndBufSize")
        .meaning("TCP send buffer of every socket.");
    s.integer("receive_buffer", &TransportOptions::receive_buffer_bytes, 1, kMaxUint32)
        .unit("bytes")
        .defaults("linux: the larger of 6291456 (Linux's `tcp_rmem` maximum) and twice the "
                  "largest bandwidth-delay product of the topology; ns3: 131072")
        .allowed("`segment_size` .. 4294967295")
        .alias("RcvBufSize", "ns-3's RcvBufSize")
        .meaning("TCP receive buffer of every socket. A path whose bandwidth-delay product "
                 "exceeds the buffers is window-limited.");
    s.time("min_rto", &TransportOptions::min_rto_s, positive_time_range())
        .defaults("200 ms (linux, Linux's `TCP_RTO_MIN`); 1 s (ns3)")
        .alias("MinRto", "ns-3's TcpSocketBase::MinRto")
        .meaning("Lower bound of the retransmission timeout. With many concurrent senders "
                 "(incast) timeouts can dominate the communication time.");
    s.time("delayed_ack_timeout", &TransportOptions::delayed_ack_timeout_s,
           positive_time_range())
        .defaults("40 ms (linux, Linux's `TCP_DELACK_MIN`); 200 ms (ns3)")
        .alias("DelAckTimeout", "ns-3's TcpSocket::DelAckTimeout")
        .meaning("Longest wait of a receiver before it acknowledges a lone segment.");
    s.integer("delayed_ack_count", &TransportOptions::delayed_ack_count, 1, 65535)
        .unit("segments")
        .alias("DelAckCount", "ns-3's TcpSocket::DelAckCount")
        .meaning("Segments a receiver acknowledges with one ACK (Linux and ns-3: 2).");
    s.integer("initial_window", &TransportOptions::initial_window_segments, 1, 65535)
        .unit("segments")
        .alias("InitialCwnd", "ns-3's TcpSocket::InitialCwnd")
        .meaning("Initial congestion window (Linux and ns-3: 10 segments, RFC 6928).");
    s.check(check_buffers);
    return s;
  }();
  return keys;
}

const Section<ServerLinkOptions>& server_link_section() {
  static const Section<ServerLinkOptions> keys = [] {
    Section<ServerLinkOptions> s;
    s.rate("bandwidth", &ServerLinkOptions::rate_bps)
        .alias("rate")
        .written_if([](const ServerLinkOptions& c) { return !c.rate_follows_link; })
        .defaults("the network's `bandwidth`")
        .meaning("The server card's rate, each direction unless given below.");
    s.time("latency", &ServerLinkOptions::latency_s)
        .alias("delay")
        .defaults("0 s")
        .meaning("One-way latency between the switch and the server.");
    s.rate("upload_bandwidth", &ServerLinkOptions::upload_rate_bps)
        .defaults("`bandwidth`")
        .meaning("Switch to server: the direction all uploads share.");
    s.rate("download_bandwidth", &ServerLinkOptions::download_rate_bps)
        .defaults("`bandwidth`")
        .meaning("Server to switch: the direction of the model broadcast (and of ACKs and "
                 "ready messages).");
    return s;
  }();
  return keys;
}

// A per-byte cost given as a rate: a rate string, or "unlimited" for no per-byte cost.
Section<MessageCosts>::Reader cost_rate_reader(double MessageCosts::*field) {
  return [field](const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
                 MessageCosts& out) {
    if (v == "unlimited") {
      out.*field = std::numeric_limits<double>::infinity();
      return true;
    }
    const std::optional<double> bps = read_rate(v, rate_range(), path, ctx.issues);
    if (bps) out.*field = *bps;
    return bps.has_value();
  };
}

Section<MessageCosts>::Writer cost_rate_writer(double MessageCosts::*field) {
  return [field](const MessageCosts& c) {
    return std::isinf(c.*field) ? json("unlimited") : json(format_rate(c.*field));
  };
}

void cost_rate(Section<MessageCosts>& s, const std::string& name, double MessageCosts::*field,
               const std::string& meaning) {
  s.custom(name, cost_rate_reader(field), cost_rate_writer(field))
      .type("rate string")
      .unit("bit/s")
      .allowed(rate_range_text(rate_range()) + ", or `\"unlimited\"` (no per-byte cost)")
      .schema({{"anyOf", {rate_schema(), {{"const", "unlimited"}}}}})
      .meaning(meaning);
}

const Section<MessageCosts>& costs_section() {
  static const Section<MessageCosts> keys = [] {
    Section<MessageCosts> s;
    s.integer("rendezvous_bytes", &MessageCosts::rendezvous_bytes, 0, kMaxUint32)
        .unit("bytes")
        .meaning("Gloo-like rendezvous: before each message the receiver sends a ready message "
                 "of this size over the simulated network, and the sender starts only when it "
                 "has arrived, so each message pays a round trip under the network's load "
                 "(the model too, with the downlink: each worker's ready message follows its "
                 "upload, or its computation when it skips). 0: senders start unprompted.");
    s.time("send_per_message", &MessageCosts::send_per_message_s)
        .meaning("Sender's software cost per message (framework, system calls), before its "
                 "first byte is offered.");
    cost_rate(s, "send_rate", &MessageCosts::send_rate_bps,
              "Sender's per-byte cost as a rate (serialization, device-to-host copy), e.g. "
              "`\"2GB/s\"`.");
    s.time("receive_per_message", &MessageCosts::receive_per_message_s)
        .meaning("Receiver's software cost per message, after its last byte has arrived.");
    cost_rate(s, "receive_rate", &MessageCosts::receive_rate_bps,
              "Receiver's per-byte cost as a rate (deserialization, copies).");
    cost_rate(s, "aggregation_rate", &MessageCosts::aggregation_rate_bps,
              "The server's rate of adding a received payload to the sum (also for a "
              "co-located worker 0's gradient).");
    return s;
  }();
  return keys;
}

const Section<LossOptions>& loss_section() {
  static const Section<LossOptions> keys = [] {
    Section<LossOptions> s;
    s.number("rate", &LossOptions::rate, NumberRange{0.0, 1.0, true, true, false, true})
        .unit("fraction of packets")
        .meaning("Packets lost on every link, each direction (ns-3 error models on every "
                 "receiving interface); TCP retransmits them.");
    s.integer("burst_packets", &LossOptions::burst_packets, 1, 1000)
        .unit("packets")
        .meaning("Mean packets lost together: 1 = independent losses (RateErrorModel); more: "
                 "bursts (BurstErrorModel) of 1 .. 2*burst_packets - 1 packets, uniformly, "
                 "starting at rate / burst_packets per packet.");
    return s;
  }();
  return keys;
}

// The switch's link to the server defaults to the workers' rate, with latency 0.
void complete_server_link(SectionScope<NetworkOptions>& scope) {
  const json* server = scope.reader.find("server_link");
  const bool rate_given = server != nullptr && server->is_object() && server->contains("bandwidth");
  scope.value.server_link.rate_follows_link = !rate_given;
  if (!rate_given) scope.value.server_link.rate_bps = scope.value.link.rate_bps;
}

// "include" is expanded when a scenario file is loaded (JsonFile.h); one that reaches the
// parser came in a document without a file.
bool read_unexpanded_include(const json&, const std::string& path, const SchemaPlace&,
                             ParseContext& ctx, NetworkOptions&) {
  ctx.issues.push_back({path, "a network profile can only be included from a scenario file "
                              "(its path is relative to the file); merge its keys into the "
                              "network section instead"});
  return false;
}

// Memo reuses a few simulated samples of each pattern: random losses would repeat.
void check_loss_fidelity(SectionScope<NetworkOptions>& scope) {
  const NetworkOptions& n = scope.value;
  if (n.backend != NetworkBackendKind::kNs3 || n.loss.rate == 0.0 ||
      n.fidelity != FidelityKind::kMemo || !scope.ok("loss") || !scope.ok("fidelity")) {
    return;
  }
  scope.reader.add_issue("loss", "packet loss needs \"fidelity\": \"exact\": memo reuses a few "
                                 "simulated samples of each upload pattern, so the same losses "
                                 "would repeat instead of being drawn anew; set "
                                 "network.fidelity to \"exact\" or remove network.loss");
}

// A co-located worker 0 has no link of its own: a per-worker link for it would be ignored.
void check_worker0_link(SectionScope<NetworkOptions>& scope) {
  const NetworkOptions& n = scope.value;
  if (n.server != ServerPlacementKind::kWorker0 || n.per_worker.count(0) == 0) return;
  scope.reader.add_issue("per_worker", "worker 0 hosts the server (network.server is "
                                       "\"worker0\"), so its upload crosses no link: remove "
                                       "entry \"0\", or make the server \"dedicated\"");
}

// Queue discs sit on the switch's ports: without a switch one would change nothing.
void check_queue_discipline(SectionScope<NetworkOptions>& scope) {
  const NetworkOptions& n = scope.value;
  if (n.queue_discipline == QueueDisciplineKind::kDropTail || n.topology == TopologyKind::kSwitch) {
    return;
  }
  scope.reader.add_issue("queue_discipline",
                         "queue disciplines apply to the switch's ports, and topology \"direct\" "
                         "has no switch: use topology \"switch\", or queue_discipline "
                         "\"drop_tail\"");
}

}  // namespace

TransportOptions resolved_transport(const NetworkOptions& n) {
  TransportOptions t = n.transport;
  const bool linux_like = t.profile == TransportProfileKind::kLinux;
  if (linux_like && t.congestion_control.empty()) t.congestion_control = "TcpCubic";
  if (!t.min_rto_s) t.min_rto_s = linux_like ? 0.2 : 1.0;
  if (!t.delayed_ack_timeout_s) t.delayed_ack_timeout_s = linux_like ? 0.04 : 0.2;
  // Twice the largest bandwidth-delay product (rate x round trip) of any worker's path.
  double bdp_bytes = 0.0;
  const double server_latency_s = n.topology == TopologyKind::kSwitch ? n.server_link.latency_s : 0.0;
  const auto consider = [&](const LinkOptions& link) {
    bdp_bytes = std::max(bdp_bytes, link.rate_bps / 8.0 * 2.0 * (link.latency_s + server_latency_s));
  };
  consider(n.link);
  for (const auto& entry : n.per_worker) consider(entry.second);
  const auto buffer = [&](int64_t linux_max) {
    if (!linux_like) return int64_t{131072};
    // Capped as a double, before the conversion: no rate and latency overflow it.
    const double wanted = std::min(static_cast<double>(kMaxUint32), std::ceil(2.0 * bdp_bytes));
    return std::max(linux_max, static_cast<int64_t>(wanted));
  };
  if (!t.send_buffer_bytes) t.send_buffer_bytes = buffer(4194304);
  if (!t.receive_buffer_bytes) t.receive_buffer_bytes = buffer(6291456);
  return t;
}


const Section<LinkOptions>& link_section() {
  static const Section<LinkOptions> keys = [] {
    Section<LinkOptions> s;
    s.rate("bandwidth", &LinkOptions::rate_bps)
        .alias("rate")
        .meaning("The link's rate, each direction (links are full duplex).");
    s.time("latency", &LinkOptions::latency_s)
        .alias("delay")
        .meaning("One-way propagation latency of the link.");
    return s;
  }();
  return keys;
}

namespace {

// Backend, links and schedule.
void declare_links(Section<NetworkOptions>& s) {
  s.custom("include", read_unexpanded_include, [](const NetworkOptions&) { return json(); })
      .type("string")
      .defaults("none")
      .allowed("a file path, relative to the scenario file's directory")
      .schema({{"type", "string"}})
      .meaning("A network profile to start from: a JSON object of keys of this section (and "
               "a `description`), such as "
               "`scenarios/profiles/` holds; the keys the scenario gives itself override the "
               "profile's (objects key by key). The resolved scenario holds the merged keys.");
  s.choice("backend", &NetworkOptions::backend)
      .meaning("The network model: packet-level ns-3 simulation or a fluid lower bound; see "
               "below.");
  s.choice("fidelity", &NetworkOptions::fidelity)
      .when("backend", kNs3)
      .meaning("`exact`: one continuous simulation of every iteration; `memo`: each distinct "
               "upload pattern simulated once and reused. See below.");
  s.include(link_section(), &NetworkOptions::link);
  s.choice("schedule", &NetworkOptions::schedule)
      .meaning("`sequential`: the server receives worker 0, then worker 1, ... (each upload "
               "starts when the previous one has been delivered; Gloo point-to-point); "
               "`concurrent`: all uploads of an iteration start together. Workers that skip "
               "are left out.");
  s.worker_map("per_worker", &NetworkOptions::per_worker, link_section(),
               [](const NetworkOptions& n) { return n.link; },
               "{\"3\": {\"bandwidth\": \"100Mbps\"}}",
               "it is set per worker in \"network.per_worker\", e.g. {\"3\": {\"{key}\": ...}}")
      .keys_documented_elsewhere()
      .meaning("Per-worker links, e.g. `{\"3\": {\"bandwidth\": \"100Mbps\"}, \"7\": "
               "{\"latency\": \"5ms\"}}`; an entry's missing key falls back to the "
               "network-wide value.");
}

// Where the server is, its card, and what a message costs.
void declare_topology(Section<NetworkOptions>& s) {
  s.choice("topology", &NetworkOptions::topology)
      .meaning("`switch`: each worker's link goes to one switch (a router node), and the "
               "switch to the server's one network card over `server_link`, which all "
               "uploads share (concurrent uploads contend: incast) and the downlink crosses "
               "once per worker. `direct`: the server has one network card per worker, each "
               "worker's link going straight to it; this assumes the server can receive from "
               "and send to every worker at full rate at once, which no single-card server "
               "can: concurrent uploads and the downlink then come out up to M times faster.");
  s.choice("server", &NetworkOptions::server)
      .meaning("Where the parameter server runs: `dedicated`, a host of its own; `worker0`, "
               "in worker 0's process on worker 0's host, as in the paper's testbed: worker "
               "0's upload crosses no network (only its aggregation is charged) but still "
               "counts as a round, and the downlink goes to the other M-1 workers.");
  s.object("server_link", &NetworkOptions::server_link, server_link_section())
      .when("topology", {"switch"})
      .meaning("The server's card: the switch-server link that all uploads share. With the "
               "default latency 0 a worker's path latency is its own link's.");
  s.integer("framing_bytes", &NetworkOptions::framing_bytes, 2, 65535)
      .when("backend", kNs3)
      .unit("bytes per frame")
      .meaning("Wire bytes each frame costs beyond its IP packet: 38 for Ethernet (preamble "
               "8, header 14, FCS 4, inter-frame gap 12), so that TCP goodput at line rate is "
               "Ethernet's (94.1% with 1448-byte segments); 14 for a Linux `tc` shaper, which "
               "counts the Ethernet header only; 2, ns-3's bare PPP header.");
  s.object("costs", &NetworkOptions::costs, costs_section())
      .meaning("Per-message costs, simulated with the network: the rendezvous crosses the "
               "simulated links, the software costs occupy the sender's and the receiver's "
               "CPU (the server handles one message at a time). Each appears as its own span "
               "in uploads.csv.");
  s.object("loss", &NetworkOptions::loss, loss_section())
      .when("backend", kNs3)
      .meaning("Random packet loss (none by default). Needs `fidelity` `exact`.");
  s.boolean("downlink", &NetworkOptions::downlink)
      .meaning("After the uploads, the server sends the dense model (16-byte header + 4 bytes "
               "per parameter) to every worker, each once its ready message is in; the "
               "iteration's communication time then ends when the last worker has it.");
}

// Keys of the ns3 backend alone.
void declare_ns3_keys(Section<NetworkOptions>& s) {
  s.object("transport", &NetworkOptions::transport, transport_section())
      .when("backend", kNs3)
      .meaning("TCP settings of the worker-server connections.");
  s.integer("queue_packets", &NetworkOptions::queue_packets, 1, kMaxUint32)
      .when("backend", kNs3)
      .unit("packets")
      .alias("queue_size", "the queue length in packets")
      .meaning("Queue of every switch port (ns-3's default 100), the limit of its "
               "`queue_discipline`: where concurrent uploads congest. The hosts' own cards do "
               "not drop what their TCP sends (as Linux's TCP Small Queues keep the excess in "
               "the socket). Drops are summarised in `summary.json`.");
  s.choice("queue_discipline", &NetworkOptions::queue_discipline)
      .when("backend", kNs3)
      .meaning("How every switch port queues: `drop_tail`, ns-3's device queue of "
               "`queue_packets` packets (tail drop); or an ns-3 queue disc of that limit in "
               "front of a one-packet device queue, as Linux's qdiscs sit in front of a NIC: "
               "`fifo` (pfifo), `red` (RED, ns-3's defaults), `codel`, `fq_codel` (Linux's "
               "default qdisc), `pie`. Their own attributes go in `ns3_attributes` (e.g. "
               "\"ns3::CoDelQueueDisc::Target\").");
  s.integer("memo_warmup", &NetworkOptions::memo_warmup, 0, std::numeric_limits<int64_t>::max())
      .when("backend", kNs3)
      .when("fidelity", {"memo"})
      .unit("runs")
      .alias("warmup")
      .meaning("Runs of a pattern in its freshly built network before the measured ones.");
  s.custom("ns3_attributes", read_ns3_attributes,
           [](const NetworkOptions& n) { return json(n.ns3_attributes); })
      .when("backend", kNs3)
      .type("object")
      .defaults("`{}`")
      .allowed("names `\"ns3::<Type>::<Attribute>\"`; values strings, numbers or booleans")
      .alias("attributes")
      .schema({{"type", "object"},
               {"propertyNames", {{"pattern", "^ns3::"}}},
               {"additionalProperties", {{"type", {"string", "number", "boolean"}}}}})
      .meaning("For experts: raw `Config::SetDefault` pairs applied after sasgsim's own "
               "settings, e.g. `{\"ns3::TcpSocketBase::MinRto\": \"200ms\"}`. The resolved "
               "scenario holds every value as a string; unknown names and values ns-3 cannot "
               "parse are errors when the scenario is validated or run.");
}

}  // namespace

const Section<NetworkOptions>& network_section() {
  static const Section<NetworkOptions> keys = [] {
    Section<NetworkOptions> s;
    declare_links(s);
    declare_topology(s);
    declare_ns3_keys(s);
    s.check(complete_server_link);
    s.check(check_loss_fidelity);
    s.check(check_worker0_link);
    s.check(check_queue_discipline);
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
