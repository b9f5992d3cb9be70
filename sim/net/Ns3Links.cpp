#include "sim/net/Ns3Links.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <ns3/double.h>
#include <ns3/ipv4.h>
#include <ns3/packet.h>
#include <ns3/pointer.h>
#include <ns3/random-variable-stream.h>
#include <ns3/simulator.h>

#include <fmt/format.h>

#include "sim/scenario/Units.h"

namespace sasgsim {

ns3::Ipv4Address worker_link_address(int m, int host) {
  const uint32_t base = (10u << 24) | ((1u + static_cast<uint32_t>(m) / 256u) << 16) |
                        ((static_cast<uint32_t>(m) % 256u) << 8);
  return ns3::Ipv4Address(base | static_cast<uint32_t>(host));
}

ns3::Ipv4Address access_link_address(int host) {
  return ns3::Ipv4Address((172u << 24) | (16u << 16) | static_cast<uint32_t>(host));
}

uint32_t add_interface(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::NetDevice> device,
                       ns3::Ipv4Address address) {
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  const uint32_t index = static_cast<uint32_t>(ipv4->AddInterface(device));
  ipv4->AddAddress(index, ns3::Ipv4InterfaceAddress(address, ns3::Ipv4Mask("255.255.255.0")));
  ipv4->SetMetric(index, 1);
  ipv4->SetUp(index);
  return index;
}

ns3::Ptr<ns3::ErrorModel> make_error_model(const LossOptions& loss, int64_t stream) {
  if (loss.burst_packets <= 1) {
    auto model = ns3::CreateObject<ns3::RateErrorModel>();
    model->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
    model->SetRate(loss.rate);
    model->AssignStreams(stream);
    return model;
  }
  auto size = ns3::CreateObject<ns3::UniformRandomVariable>();
  size->SetAttribute("Min", ns3::DoubleValue(1.0));
  size->SetAttribute("Max", ns3::DoubleValue(static_cast<double>(2 * loss.burst_packets - 1)));
  auto model = ns3::CreateObject<ns3::BurstErrorModel>();
  model->SetBurstRate(loss.rate / static_cast<double>(loss.burst_packets));
  model->SetAttribute("BurstSize", ns3::PointerValue(size));
  model->AssignStreams(stream);
  return model;
}

void push(ns3::Socket& socket, int64_t& unsent) {
  while (unsent > 0) {
    const uint32_t room = socket.GetTxAvailable();
    if (room == 0) return;
    const auto size = static_cast<uint32_t>(std::min<int64_t>(unsent, room));
    const int sent = socket.Send(ns3::Create<ns3::Packet>(size), 0);
    if (sent <= 0) return;
    unsent -= sent;
  }
}

int64_t drain(ns3::Socket& socket) {
  int64_t bytes = 0;
  while (ns3::Ptr<ns3::Packet> p = socket.Recv()) bytes += p->GetSize();
  return bytes;
}

double checked_seconds(double s, const char* what) {
  if (std::isfinite(s) && std::fabs(s) <= kMaxSimulatedS) return s;
  throw std::range_error(fmt::format(
      "ns-3: {} at {} simulated seconds is beyond the {:g} s (about 31 years) its clock holds "
      "safely; shorten the run (train.iterations) or its compute and network times",
      what, s, kMaxSimulatedS));
}

int64_t checked_nanoseconds(double s, const char* what) {
  return std::llround(checked_seconds(s, what) * 1e9);
}

uint64_t checked_rate_bps(double bps) {
  if (bps >= kMinRateBps && bps <= kMaxRateBps) return static_cast<uint64_t>(std::llround(bps));
  throw std::logic_error(fmt::format("ns-3: a link rate of {} bit/s is outside the physical "
                                     "range [{:g}, {:g}] bit/s", bps, kMinRateBps, kMaxRateBps));
}

void idle_until(double t_s) {
  const double now_s = ns3::Simulator::Now().GetSeconds();
  if (checked_seconds(t_s, "the network's idle time") <= now_s) return;
  ns3::Simulator::Stop(ns3::Seconds(t_s - now_s));
  ns3::Simulator::Run();
}

}  // namespace sasgsim
