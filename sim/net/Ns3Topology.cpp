#include "sim/net/Ns3Topology.h"

#include <cmath>
#include <stdexcept>

#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/inet-socket-address.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/ipv4.h>
#include <ns3/queue-size.h>
#include <ns3/tcp-header.h>
#include <ns3/traffic-control-helper.h>
#include <ns3/traffic-control-layer.h>

#include "sim/net/Ns3Globals.h"
#include "sim/net/Ns3Links.h"

namespace sasgsim {

namespace {

// A host's own card never drops what its TCP sends (Linux's TCP Small Queues keep the excess
// in the socket): only the switch's ports drop.
constexpr uint32_t kHostQueuePackets = 1u << 20;

void connect(bool connected) {
  if (!connected) throw std::logic_error("ns-3: a trace source sasgsim relies on is missing");
}

}  // namespace

Ns3Topology::Ns3Topology(const NetworkOptions& options, int workers)
    : net_(options), workers_(workers), with_switch_(options.topology == TopologyKind::kSwitch) {
  build_topology();
}

// One direction of a link: its rate, and the inter-frame gap that brings each frame's wire
// cost from the 2 bytes of PPP to framing_bytes.
void Ns3Topology::configure_device(ns3::Ptr<ns3::PointToPointNetDevice> dev, double rate_bps) {
  dev->SetDataRate(ns3::DataRate(checked_rate_bps(rate_bps)));
  const double gap_bits = 8.0 * static_cast<double>(net_.framing_bytes - 2);
  dev->SetInterframeGap(ns3::Seconds(gap_bits / rate_bps));
  devices_.push_back(dev);
}

void Ns3Topology::install_loss() {
  if (net_.loss.rate <= 0.0) return;
  for (size_t i = 0; i < devices_.size(); ++i) {
    const auto stream = static_cast<int64_t>(i) * kErrorModelStreams;
    devices_[i]->SetReceiveErrorModel(make_error_model(net_.loss, stream));
  }
}

// A switch port with a queue disc: the disc holds the backlog (queue_packets) and feeds a
// one-packet device queue, which stops it while the link is busy.
void Ns3Topology::install_queue_disc(ns3::Ptr<ns3::PointToPointNetDevice> dev, int index, bool up) {
  dev->GetQueue()->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, 1));
  ns3::TrafficControlHelper tch;
  tch.SetRootQueueDisc(queue_disc_type(net_.queue_discipline), "MaxSize",
                       ns3::QueueSizeValue(ns3::QueueSize(
                           ns3::QueueSizeUnit::PACKETS, static_cast<uint32_t>(net_.queue_packets))));
  ns3::QueueDiscContainer discs = tch.Install(dev);
  connect(discs.Get(0)->TraceConnectWithoutContext(
      "Drop", ns3::MakeCallback(&Ns3Topology::on_queue_disc_drop, this, index, up)));
}

void Ns3Topology::on_queue_disc_drop(int link, bool up, ns3::Ptr<const ns3::QueueDiscItem>) {
  ++(up ? traffic_[link].up_drops : traffic_[link].down_drops);
}

// Installs a link from `near` (worker or switch) to `far`, tracing its two directions.
ns3::NetDeviceContainer Ns3Topology::install_link(ns3::PointToPointHelper& p2p, double up_rate_bps,
                                     double down_rate_bps, double latency_s,
                                     ns3::Ptr<ns3::Node> near, ns3::Ptr<ns3::Node> far,
                                     int index) {
  const int64_t latency_ns = checked_nanoseconds(latency_s, "a link's latency");
  p2p.SetChannelAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(latency_ns)));
  ns3::NetDeviceContainer devices_ = p2p.Install(near, far);
  for (uint32_t side = 0; side < 2; ++side) {
    const bool up = side == 0;  // the near side sends towards the server
    auto dev = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices_.Get(side));
    configure_device(dev, up ? up_rate_bps : down_rate_bps);
    if ((up ? near : far) != switch_node_) {
      dev->GetQueue()->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, kHostQueuePackets));
    } else if (net_.queue_discipline != QueueDisciplineKind::kDropTail) {
      install_queue_disc(dev, index, up);
    }
    connect(dev->TraceConnectWithoutContext(
        "PhyTxBegin", ns3::MakeCallback(&Ns3Topology::on_transmit, this, index, up)));
    connect(dev->GetQueue()->TraceConnectWithoutContext(
        "Drop", ns3::MakeCallback(&Ns3Topology::on_drop, this, index, up)));
    // A packet lost arriving here travelled the other way.
    connect(dev->TraceConnectWithoutContext(
        "PhyRxDrop", ns3::MakeCallback(&Ns3Topology::on_lost, this, index, !up)));
  }
  return devices_;
}

void Ns3Topology::install_stacks(ns3::Ipv4StaticRoutingHelper& static_routing) {
  ns3::InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  stack.SetRoutingHelper(static_routing);
  stack.Install(server_);
  for (auto& node : worker_nodes_) {
    if (node) stack.Install(node);
  }
  if (with_switch_) stack.Install(switch_node_);
  // Without a queue disc, a packet that finds its device queue full is dropped by the
  // node's traffic_-control layer, before the device queue sees it; only the switch's
  // queues fill (the hosts' do not: kHostQueuePackets).
  if (with_switch_) {
    connect(switch_node_->GetObject<ns3::TrafficControlLayer>()->TraceConnectWithoutContext(
        "TcDrop", ns3::MakeCallback(&Ns3Topology::on_switch_drop, this)));
  }
}

void Ns3Topology::build_topology() {
  server_ = ns3::CreateObject<ns3::Node>();
  for (int m = 0; m < workers_; ++m) {
    worker_nodes_.push_back(net_.is_remote(m) ? ns3::CreateObject<ns3::Node>() : nullptr);
  }
  if (with_switch_) switch_node_ = ns3::CreateObject<ns3::Node>();
  ns3::Ipv4StaticRoutingHelper static_routing;
  install_stacks(static_routing);

  ns3::PointToPointHelper p2p;
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
               ns3::QueueSizeValue(ns3::QueueSize(
                   ns3::QueueSizeUnit::PACKETS, static_cast<uint32_t>(net_.queue_packets))));
  traffic_.assign(static_cast<size_t>(link_count()), LinkTraffic{});
  ns3::Ptr<ns3::Node> hub = with_switch_ ? switch_node_ : server_;
  for (int m = 0; m < workers_; ++m) {
    if (!worker_nodes_[m]) continue;
    const LinkOptions link = net_.link_of(m);
    ns3::NetDeviceContainer d =
        install_link(p2p, link.rate_bps, link.rate_bps, link.latency_s, worker_nodes_[m], hub, m);
    const uint32_t worker_if = add_interface(worker_nodes_[m], d.Get(0), worker_link_address(m, 1));
    add_interface(hub, d.Get(1), worker_link_address(m, 2));
    if (with_switch_) {
      static_routing.GetStaticRouting(worker_nodes_[m]->GetObject<ns3::Ipv4>())
          ->SetDefaultRoute(worker_link_address(m, 2), worker_if);
    }
  }
  if (with_switch_) {
    const ServerLinkOptions& card = net_.server_link;
    ns3::NetDeviceContainer d = install_link(p2p, card.upload_rate(), card.download_rate(),
                                             card.latency_s, switch_node_, server_, workers_);
    add_interface(switch_node_, d.Get(0), access_link_address(1));
    const uint32_t server_if = add_interface(server_, d.Get(1), access_link_address(2));
    static_routing.GetStaticRouting(server_->GetObject<ns3::Ipv4>())
        ->SetDefaultRoute(access_link_address(1), server_if);
  }
}

// Attributes a packet the switch dropped to the link it was queued for, from its TCP
// destination port: the server listens on kServerPort, each worker has its own local port.
void Ns3Topology::on_switch_drop(ns3::Ptr<const ns3::Packet> packet) {
  ns3::Ptr<ns3::Packet> copy = packet->Copy();
  ns3::Ipv4Header ip;
  copy->RemoveHeader(ip);  // forwarded: it still carries its IP header
  ns3::TcpHeader tcp;
  copy->PeekHeader(tcp);
  if (tcp.GetDestinationPort() == kServerPort) {
    on_drop(workers_, true, packet);
    return;
  }
  auto found = worker_of_port_.find(tcp.GetDestinationPort());
  if (found == worker_of_port_.end()) {
    throw std::logic_error("ns-3: a dropped packet belongs to no worker connection");
  }
  on_drop(found->second, false, packet);
}

ns3::Ipv4Address Ns3Topology::server_address_for(int m) const {
  return with_switch_ ? access_link_address(2) : worker_link_address(m, 2);
}

int Ns3Topology::worker_of(const ns3::Address& from) const {
  const ns3::Ipv4Address ip = ns3::InetSocketAddress::ConvertFrom(from).GetIpv4();
  for (int m = 0; m < workers_; ++m) {
    if (worker_nodes_[m] && worker_link_address(m, 1) == ip) return m;
  }
  return -1;
}

void Ns3Topology::on_transmit(int link, bool up, ns3::Ptr<const ns3::Packet> packet) {
  LinkTraffic& t = traffic_[link];
  if (up) {
    t.up_bytes += packet->GetSize();
    ++t.up_packets;
  } else {
    t.down_bytes += packet->GetSize();
    ++t.down_packets;
  }
  ++packets_;
}

void Ns3Topology::on_drop(int link, bool up, ns3::Ptr<const ns3::Packet>) {
  ++(up ? traffic_[link].up_drops : traffic_[link].down_drops);
}

void Ns3Topology::on_lost(int link, bool up, ns3::Ptr<const ns3::Packet>) {
  ++(up ? traffic_[link].up_lost : traffic_[link].down_lost);
}

}  // namespace sasgsim
