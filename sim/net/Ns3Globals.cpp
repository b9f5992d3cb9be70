#include "sim/net/Ns3Globals.h"

#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

#include <ns3/config.h>
#include <ns3/object-factory.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/tcp-congestion-ops.h>
#include <ns3/type-id.h>
#include <ns3/nstime.h>
#include <ns3/uinteger.h>

#include "sim/net/Ns3Links.h"
#include "sim/scenario/SchemaValues.h"

namespace sasgsim {
namespace {

bool g_alive = false;

std::string attribute_path(const std::string& name) {
  return ".network.ns3_attributes[\"" + name + "\"]";
}

template <typename T>
bool streams_as(const std::string& text) {
  std::istringstream in(text);
  T value{};
  in >> value;
  return !in.fail() && in.eof();
}

// ns-3 aborts the process on some malformed values instead of reporting them, so values of
// those types are checked here first, with the grammar ns-3's own parsers accept. Returns
// false when the text would not parse.
bool parses_safely(const std::string& value_type, const std::string& text) {
  if (value_type == "UintegerValue") {
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text[0])) &&
           streams_as<uint64_t>(text);
  }
  if (value_type == "IntegerValue") return streams_as<int64_t>(text);
  if (value_type == "DoubleValue") return streams_as<double>(text);
  if (value_type == "TimeValue") {
    const size_t unit = text.find_first_not_of("+-0123456789.eE");
    if (!streams_as<double>(text.substr(0, unit))) return false;
    if (unit == std::string::npos) return true;
    static const std::regex kUnits("s|ms|us|ns|ps|fs|min|h|d|y");
    return std::regex_match(text.substr(unit), kUnits);
  }
  if (value_type == "DataRateValue") {
    static const std::regex kRate("[0-9]+(\\.[0-9]+)?([kKMG]i?)?(bps|b/s|Bps|B/s)");
    return std::regex_match(text, kRate);
  }
  if (value_type == "QueueSizeValue") {
    static const std::regex kSize("[0-9]+([kKMG]i?)?[pB]");
    return std::regex_match(text, kSize);
  }
  if (value_type == "TypeIdValue") {
    ns3::TypeId tid;
    return ns3::TypeId::LookupByNameFailSafe(text, &tid);
  }
  return true;
}

// The seconds a TimeValue text that parses_safely accepted stands for; nullopt for a unit
// it does not know.
std::optional<double> time_attribute_seconds(const std::string& text) {
  static const std::map<std::string, double> kSecondsPerUnit = {
      {"", 1.0},       {"s", 1.0},      {"ms", 1e-3},     {"us", 1e-6},
      {"ns", 1e-9},    {"ps", 1e-12},   {"fs", 1e-15},    {"min", 60.0},
      {"h", 3600.0},   {"d", 86400.0},  {"y", 365.0 * 86400.0}};
  const size_t unit = text.find_first_not_of("+-0123456789.eE");
  std::istringstream in(text.substr(0, unit));
  double value = 0.0;
  in >> value;
  const auto factor = kSecondsPerUnit.find(unit == std::string::npos ? "" : text.substr(unit));
  if (in.fail() || factor == kSecondsPerUnit.end()) return std::nullopt;
  return value * factor->second;
}

// A QueueSizeValue text ("100p", "64KiB") as a count of packets or bytes, saturated well
// beyond 32 bits.
double queue_size_count(const std::string& text) {
  const size_t digits = text.find_first_not_of("0123456789");
  double count = digits == 0 ? 0.0 : std::stod(text.substr(0, digits));
  const std::string prefix = text.substr(digits, text.size() - 1 - digits);
  static const std::map<std::string, double> kMultiplier = {
      {"", 1.0},     {"k", 1e3},          {"K", 1e3},          {"M", 1e6},         {"G", 1e9},
      {"ki", 1024.0}, {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}};
  const auto m = kMultiplier.find(prefix);
  return m == kMultiplier.end() ? count : count * m->second;
}

// Attributes that hold a time, a rate or a queue size keep to the physical ranges of the
// scenario's own keys (ns-3 would overflow converting larger ones); "" when in range. Only for
// texts parses_safely accepted.
std::string physical_range_problem(const std::string& value_type, const std::string& text) {
  if (value_type == "TimeValue") {
    const std::optional<double> seconds = time_attribute_seconds(text);
    return seconds ? time_range_problem(text, *seconds) : "";
  }
  if (value_type == "DataRateValue") {
    try {
      return rate_range_problem(text, parse_rate_bps(text));
    } catch (const UnitError&) {
      return "";
    }
  }
  if (value_type == "QueueSizeValue" && queue_size_count(text) > 4294967295.0) {
    return "expected a queue size of at most 4294967295 packets or bytes (ns-3 holds it in 32 "
           "bits), got " + JsonReader::quote(text) + "; lower it";
  }
  return "";
}

// The name of the value type an attribute holds ("TimeValue", "DataRateValue"): ns-3 names
// some with their namespace ("ns3::TimeValue") and some without ("DataRateValue").
std::string value_type_of(const ns3::AttributeChecker& checker) {
  const std::string name = checker.GetValueTypeName();
  return name.rfind("ns3::", 0) == 0 ? name.substr(5) : name;
}

// Checks one raw attribute against ns-3's TypeId database; empty when it is fine.
std::string attribute_problem(const std::string& name, const std::string& value) {
  const std::string prefix = "ns3::";
  const size_t split = name.rfind("::");
  if (name.compare(0, prefix.size(), prefix) != 0 || split == std::string::npos ||
      split < prefix.size()) {
    return "expected a name like \"ns3::TcpSocket::InitialCwnd\"";
  }
  const std::string type_name = name.substr(0, split);
  const std::string attribute = name.substr(split + 2);
  ns3::TypeId tid;
  if (!ns3::TypeId::LookupByNameFailSafe(type_name, &tid)) {
    return "ns-3 has no type \"" + type_name + "\"";
  }
  ns3::TypeId::AttributeInformation info;
  if (!tid.LookupAttributeByName(attribute, &info)) {
    std::string names;
    for (uint32_t i = 0; i < tid.GetAttributeN(); ++i) {
      names += (i ? ", " : "") + tid.GetAttribute(i).name;
    }
    return "ns-3 type \"" + type_name + "\" has no attribute \"" + attribute + "\"" +
           (names.empty() ? std::string() : " (its own attributes: " + names + ")");
  }
  const std::string value_type = value_type_of(*info.checker);
  if (value_type == "PointerValue" || value_type == "ObjectFactoryValue" ||
      value_type == "CallbackValue" || value_type == "ObjectPtrContainerValue") {
    return name + " holds an object (" + value_type + "), which cannot be set from a scenario";
  }
  const bool well_formed = parses_safely(value_type, value);
  if (well_formed) {
    if (std::string problem = physical_range_problem(value_type, value); !problem.empty()) {
      return problem;
    }
  }
  ns3::Ptr<ns3::AttributeValue> parsed;
  if (well_formed) {
    parsed = info.checker->CreateValidValue(ns3::StringValue(value));
  }
  if (!parsed) {
    return "ns-3 cannot read \"" + value + "\" as a value of " + name + " (expected " +
           info.checker->GetUnderlyingTypeInformation() + ")";
  }
  return {};
}

// The attributes sasgsim sets from scenario keys: giving one raw would be overridden by, or
// contradict, the key (and the resolved scenario would show the key's value).
struct OwnedAttribute {
  const char* name;
  const char* key;
};
constexpr OwnedAttribute kOwnedAttributes[] = {
    {"ns3::TcpSocket::SegmentSize", "network.transport.segment_size"},
    {"ns3::TcpSocket::SndBufSize", "network.transport.send_buffer"},
    {"ns3::TcpSocket::RcvBufSize", "network.transport.receive_buffer"},
    {"ns3::TcpSocket::InitialCwnd", "network.transport.initial_window"},
    {"ns3::TcpSocket::DelAckTimeout", "network.transport.delayed_ack_timeout"},
    {"ns3::TcpSocket::DelAckCount", "network.transport.delayed_ack_count"},
    {"ns3::TcpSocketBase::MinRto", "network.transport.min_rto"},
    {"ns3::TcpL4Protocol::SocketType", "network.transport.congestion_control"},
    {"ns3::PointToPointNetDevice::DataRate",
     "network.bandwidth, network.per_worker and network.server_link"},
    {"ns3::PointToPointChannel::Delay",
     "network.latency, network.per_worker and network.server_link"},
    {"ns3::PointToPointNetDevice::InterframeGap", "network.framing_bytes"},
    {"ns3::QueueBase::MaxSize", "network.queue_packets"},
    {"ns3::FifoQueueDisc::MaxSize", "network.queue_packets"},
    {"ns3::RedQueueDisc::MaxSize", "network.queue_packets"},
    {"ns3::CoDelQueueDisc::MaxSize", "network.queue_packets"},
    {"ns3::FqCoDelQueueDisc::MaxSize", "network.queue_packets"},
    {"ns3::PieQueueDisc::MaxSize", "network.queue_packets"},
    {"ns3::RateErrorModel::ErrorRate", "network.loss.rate"},
    {"ns3::RateErrorModel::ErrorUnit", "network.loss (which loses whole packets)"},
    {"ns3::BurstErrorModel::ErrorRate", "network.loss.rate and network.loss.burst_packets"},
};

// The attribute `name` denotes (looked up through parent types), or nullopt.
std::optional<ns3::TypeId::AttributeInformation> find_attribute(const std::string& name) {
  const size_t split = name.rfind("::");
  ns3::TypeId tid;
  ns3::TypeId::AttributeInformation info;
  if (split == std::string::npos || !ns3::TypeId::LookupByNameFailSafe(name.substr(0, split), &tid) ||
      !tid.LookupAttributeByName(name.substr(split + 2), &info)) {
    return std::nullopt;
  }
  return info;
}

// The scenario key that sets the same attribute as `name`, or nullptr.
const char* owning_key(const std::string& name) {
  const std::optional<ns3::TypeId::AttributeInformation> given = find_attribute(name);
  if (!given) return nullptr;
  for (const OwnedAttribute& owned : kOwnedAttributes) {
    const std::optional<ns3::TypeId::AttributeInformation> o = find_attribute(owned.name);
    if (o && o->accessor == given->accessor) return owned.key;
  }
  return nullptr;
}

// The value an attribute gets: the scenario's raw setting, else ns-3's initial value.
std::string attribute_setting(const NetworkOptions& options, const std::string& name) {
  if (auto it = options.ns3_attributes.find(name); it != options.ns3_attributes.end()) {
    return it->second;
  }
  const std::optional<ns3::TypeId::AttributeInformation> info = find_attribute(name);
  return info ? info->initialValue->SerializeToString(info->checker) : std::string();
}

// The ns-3 types the built topology creates: an attribute of any other type has no effect.
std::vector<ns3::TypeId> types_in_use(const NetworkOptions& options) {
  const TransportOptions t = resolved_transport(options);
  std::vector<std::string> names = {
      "ns3::Node", "ns3::PointToPointNetDevice", "ns3::PointToPointChannel",
      "ns3::DropTailQueue<Packet>", "ns3::Ipv4L3Protocol",
      "ns3::Ipv4Interface", "ns3::ArpL3Protocol", "ns3::ArpCache", "ns3::Icmpv4L4Protocol",
      "ns3::Ipv4StaticRouting", "ns3::TrafficControlLayer", "ns3::TcpL4Protocol",
      "ns3::TcpSocketBase", "ns3::TcpSocketState", "ns3::TcpTxBuffer", "ns3::TcpRxBuffer",
      t.congestion_control.empty() ? attribute_setting(options, "ns3::TcpL4Protocol::SocketType")
                                   : "ns3::" + t.congestion_control,
      attribute_setting(options, "ns3::TcpL4Protocol::RecoveryType"),
      attribute_setting(options, "ns3::TcpL4Protocol::RttEstimatorType")};
  if (options.loss.rate > 0.0) {
    names.push_back(options.loss.burst_packets > 1 ? "ns3::BurstErrorModel" : "ns3::RateErrorModel");
  }
  if (const std::string disc = queue_disc_type(options.queue_discipline); !disc.empty()) {
    names.push_back(disc);
    names.push_back("ns3::QueueDisc");
    // fq_codel's flows are CoDel queue discs
    if (options.queue_discipline == QueueDisciplineKind::kFqCoDel) {
      names.push_back("ns3::CoDelQueueDisc");
    }
  }
  std::vector<ns3::TypeId> types;
  for (const std::string& n : names) {
    ns3::TypeId tid;
    if (ns3::TypeId::LookupByNameFailSafe(n, &tid)) types.push_back(tid);
  }
  return types;
}

// Why an attribute that ns-3 knows would not act as written; empty when it would.
std::string attribute_use_problem(const NetworkOptions& options, const std::string& name) {
  if (const char* key = owning_key(name)) {
    return "sasgsim sets this attribute from " + std::string(key) + ": set that instead (the "
           "raw value would override it, or be overridden, while the resolved scenario shows "
           "the key's value)";
  }
  ns3::TypeId type;
  ns3::TypeId::LookupByNameFailSafe(name.substr(0, name.rfind("::")), &type);
  for (const ns3::TypeId& used : types_in_use(options)) {
    if (used == type || used.IsChildOf(type)) return {};
  }
  const std::string disc = queue_disc_type(options.queue_discipline);
  return "this attribute has no effect: the simulated topology creates no ns-3 \"" +
         type.GetName() + "\" (it has point-to-point links, drop-tail queues" +
         (disc.empty() ? "" : ", " + disc + " on the switch's ports") + ", IPv4 and TCP" +
         (options.loss.rate > 0.0 ? ", and the error model of network.loss" : "") + ")";
}

// A congestion control is a TcpCongestionOps; ns-3.37 registers TcpCubic under another
// parent, so the check creates the object and asks it.
bool is_congestion_control(const std::string& type_name) {
  ns3::TypeId tid;
  if (!ns3::TypeId::LookupByNameFailSafe(type_name, &tid) || !tid.HasConstructor()) return false;
  if (tid.IsChildOf(ns3::TcpCongestionOps::GetTypeId())) return true;
  if (!tid.IsChildOf(ns3::Object::GetTypeId())) return false;
  ns3::ObjectFactory factory;
  factory.SetTypeId(tid);
  return ns3::DynamicCast<ns3::TcpCongestionOps>(factory.Create()) != nullptr;
}

}  // namespace

std::string queue_disc_type(QueueDisciplineKind kind) {
  switch (kind) {
    case QueueDisciplineKind::kDropTail: return "";
    case QueueDisciplineKind::kFifo: return "ns3::FifoQueueDisc";
    case QueueDisciplineKind::kRed: return "ns3::RedQueueDisc";
    case QueueDisciplineKind::kCoDel: return "ns3::CoDelQueueDisc";
    case QueueDisciplineKind::kFqCoDel: return "ns3::FqCoDelQueueDisc";
    case QueueDisciplineKind::kPie: return "ns3::PieQueueDisc";
  }
  throw std::logic_error("queue_disc_type: unknown queue discipline");
}

namespace {

uint32_t ns3_seed_of(uint64_t seed) {
  const auto folded = static_cast<uint32_t>(seed ^ (seed >> 32));
  return folded == 0 ? 1u : folded;  // ns-3 rejects seed 0
}

void apply_transport(const TransportOptions& t) {
  const auto set_uint = [](const char* name, int64_t v) {
    ns3::Config::SetDefault(name, ns3::UintegerValue(static_cast<uint64_t>(v)));
  };
  set_uint("ns3::TcpSocket::SegmentSize", t.segment_size_bytes);
  set_uint("ns3::TcpSocket::SndBufSize", *t.send_buffer_bytes);
  set_uint("ns3::TcpSocket::RcvBufSize", *t.receive_buffer_bytes);
  set_uint("ns3::TcpSocket::InitialCwnd", t.initial_window_segments);
  set_uint("ns3::TcpSocket::DelAckCount", t.delayed_ack_count);
  ns3::Config::SetDefault("ns3::TcpSocket::DelAckTimeout",
                          ns3::TimeValue(ns3::Seconds(checked_seconds(*t.delayed_ack_timeout_s,
                                                                      "the delayed ACK timeout"))));
  ns3::Config::SetDefault("ns3::TcpSocketBase::MinRto",
                          ns3::TimeValue(ns3::Seconds(checked_seconds(*t.min_rto_s, "MinRto"))));
  if (!t.congestion_control.empty()) {
    ns3::Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                            ns3::TypeIdValue(ns3::TypeId::LookupByName("ns3::" +
                                                                       t.congestion_control)));
  }
  // Linux abandons a connection after tcp_retries2 = 15 retransmissions of a segment (about
  // 15 minutes), ns-3 after 6 (seconds under heavy incast); ns3_attributes may still set it.
  if (t.profile == TransportProfileKind::kLinux) set_uint("ns3::TcpSocket::DataRetries", 15);
}

}  // namespace

std::vector<ScenarioIssue> Ns3Globals::check(const NetworkOptions& options) {
  std::vector<ScenarioIssue> issues;
  if (options.backend != NetworkBackendKind::kNs3) return issues;
  const std::string& cc = options.transport.congestion_control;
  if (!cc.empty() && !is_congestion_control("ns3::" + cc)) {
    std::string known;
    for (uint16_t i = 0; i < ns3::TypeId::GetRegisteredN(); ++i) {
      const std::string name = ns3::TypeId::GetRegistered(i).GetName();
      if (name.rfind("ns3::Tcp", 0) == 0 && is_congestion_control(name)) {
        known += (known.empty() ? "" : ", ") + name.substr(5);
      }
    }
    issues.push_back({".network.transport.congestion_control",
                      "ns-3 has no TCP congestion control \"" + cc + "\"; known: " + known});
  }
  for (const auto& [name, value] : options.ns3_attributes) {
    std::string problem = attribute_problem(name, value);
    if (problem.empty()) problem = attribute_use_problem(options, name);
    if (!problem.empty()) issues.push_back({attribute_path(name), problem});
  }
  return issues;
}

Ns3Globals::Ns3Globals(const NetworkOptions& options, uint64_t seed) {
  if (g_alive) {
    throw std::logic_error("Ns3Globals: only one ns-3 simulation may exist at a time");
  }
  std::vector<ScenarioIssue> issues = check(options);
  if (!issues.empty()) throw ScenarioError("network", issues);
  g_alive = true;
  ns3::Config::Reset();
  ns3::RngSeedManager::SetSeed(ns3_seed_of(seed));
  ns3::RngSeedManager::SetRun(1);
  apply_transport(resolved_transport(options));
  for (const auto& [name, value] : options.ns3_attributes) {
    if (!ns3::Config::SetDefaultFailSafe(name, ns3::StringValue(value))) {
      throw std::logic_error("Ns3Globals: ns-3 refused checked attribute " + name);
    }
  }
}

Ns3Globals::~Ns3Globals() {
  ns3::Simulator::Destroy();
  ns3::Config::Reset();
  g_alive = false;
}

}  // namespace sasgsim
