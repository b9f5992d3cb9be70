// The "network" section: backend, links, topology, TCP settings and raw ns-3 attributes.
#include <algorithm>
#include <cmath>

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
    try {
      (void)v.dump();
      return v.get<std::string>();
    } catch (const json::type_error&) {
      issues.push_back({path, "expected UTF-8 text, got bytes that are not UTF-8"});
      return std::nullopt;
    }
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
  for (const auto& [key, bytes] : {std::pair<const char*, int64_t>{"send_buffer", t.send_buffer_bytes},
                                   {"receive_buffer", t.receive_buffer_bytes}}) {
    if (!scope.given(key) || !scope.ok(key) || bytes >= t.segment_size_bytes) continue;
    scope.reader.add_issue(key, std::string(key) + " (" + std::to_string(bytes) +
                                    " bytes) is smaller than segment_size (" +
                                    std::to_string(t.segment_size_bytes) + " bytes" +
                                    (scope.given("segment_size") ? "" : ", the default") +
                                    "); raise " + key + " or lower segment_size");
  }
}

const Section<TransportOptions>& transport_section() {
  static const Section<TransportOptions> keys = [] {
    Section<TransportOptions> s;
    s.string("congestion_control", &TransportOptions::congestion_control,
             congestion_control_problem)
        .written_if([](const TransportOptions& t) { return !t.congestion_control.empty(); })
        .defaults("ns-3's default, `TcpCubic` in ns-3.37")
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
        .allowed("`segment_size` .. 4294967295")
        .alias("SndBufSize", "ns-3's SndBufSize")
        .meaning("TCP send buffer of every socket (ns-3's default).");
    s.integer("receive_buffer", &TransportOptions::receive_buffer_bytes, 1, kMaxUint32)
        .unit("bytes")
        .allowed("`segment_size` .. 4294967295")
        .alias("RcvBufSize", "ns-3's RcvBufSize")
        .meaning("TCP receive buffer of every socket (ns-3's default). A path whose "
                 "bandwidth-delay product exceeds the buffers is window-limited: 1 Gbps with "
                 "10 ms latency needs >= 2.5 MB.");
    s.check(check_buffers);
    return s;
  }();
  return keys;
}

// The switch's link to the server defaults to the workers' rate, with latency 0.
void complete_server_link(SectionScope<NetworkOptions>& scope) {
  const json* server = scope.reader.find("server_link");
  const bool rate_given = server != nullptr && server->is_object() && server->contains("bandwidth");
  if (!rate_given) scope.value.server_link.rate_bps = scope.value.link.rate_bps;
}

}  // namespace

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

const Section<NetworkOptions>& network_section() {
  static const Section<NetworkOptions> keys = [] {
    Section<NetworkOptions> s;
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
    s.choice("topology", &NetworkOptions::topology)
        .meaning("`direct`: each worker's link goes straight to the server. `switch`: each "
                 "worker's link goes to one switch (a router node), and the switch to the server "
                 "over `server_link`, where concurrent uploads contend (incast).");
    s.object("server_link", &NetworkOptions::server_link, link_section())
        .when("topology", {"switch"})
        .keys_documented_elsewhere()
        .allowed("keys `bandwidth` (> 0) and `latency` (>= 0), both optional")
        .unit("bit/s, s")
        .defaults("`{\"bandwidth\": <network bandwidth>, \"latency\": \"0s\"}`")
        .meaning("The switch-server link that all uploads share. With the default latency 0 a "
                 "worker's path latency is its own link's.");
    s.boolean("downlink", &NetworkOptions::downlink)
        .meaning("After the uploads, the server sends the dense model (16-byte header + 4 bytes "
                 "per parameter) to every worker at once; the iteration's communication time "
                 "then ends when the last worker has it.");
    s.object("transport", &NetworkOptions::transport, transport_section())
        .when("backend", kNs3)
        .meaning("TCP settings of the worker-server connections.");
    s.integer("queue_packets", &NetworkOptions::queue_packets, 1, kMaxUint32)
        .when("backend", kNs3)
        .unit("packets")
        .alias("queue_size", "the queue length in packets")
        .meaning("Drop-tail queue of every interface (ns-3's default 100). Drops are summarised "
                 "in `summary.json`.");
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
    s.check(complete_server_link);
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
