#include "sim/net/Ns3Session.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <fmt/format.h>
#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/inet-socket-address.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/ipv4.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-socket-factory.h>
#include <ns3/traffic-control-layer.h>

#include "sim/net/Ns3Globals.h"

namespace sasgsim {

namespace {

constexpr uint16_t kPort = 5000;

// Worker m's link is the subnet 10.(1 + m / 256).(m % 256).0/24: worker .1, far end .2.
ns3::Ipv4Address worker_link_address(int m, int host) {
  const uint32_t base = (10u << 24) | ((1u + static_cast<uint32_t>(m) / 256u) << 16) |
                        ((static_cast<uint32_t>(m) % 256u) << 8);
  return ns3::Ipv4Address(base | static_cast<uint32_t>(host));
}

// The access link (switch topology): 172.16.0.0/24, switch .1, server .2.
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

}  // namespace

struct Ns3Session::Impl {
  // First member: ns-3's global state outlives every ns-3 object below.
  Ns3Globals globals;
  Ns3SessionSetup setup;
  int workers;
  bool with_switch;

  ns3::Ptr<ns3::Node> server;
  ns3::Ptr<ns3::Node> switch_node;
  std::vector<ns3::Ptr<ns3::Node>> worker_nodes;
  std::vector<LinkTraffic> traffic;  // cumulative, per link
  int64_t packets = 0;

  ns3::Ptr<ns3::Socket> listener;
  std::vector<ns3::Ptr<ns3::Socket>> worker_sockets;  // worker side, by worker
  std::vector<ns3::Ptr<ns3::Socket>> server_sockets;  // server side, by worker
  std::unordered_map<uint16_t, int> worker_of_port;  // a worker's local TCP port -> worker
  int connected = 0;
  int accepted = 0;
  bool connect_failed = false;

  // The iteration in progress.
  std::vector<int64_t> up_expected, up_received, up_unsent;
  std::vector<int64_t> down_expected, down_received, down_unsent;
  std::vector<double> up_start_s, up_finish_s;
  std::vector<int> order;   // uploading workers, in worker order
  size_t next_upload = 0;   // sequential: the next one to start
  int uploads_pending = 0;
  int downloads_pending = 0;
  bool downlink_now = false;
  double start_s = 0.0;
  double end_s = 0.0;
  bool finished = false;
  bool stalled = false;

  Impl(const Ns3SessionSetup& s)
      : globals(s.options, s.seed),
        setup(s),
        workers(s.workers),
        with_switch(s.options.topology == TopologyKind::kSwitch) {
    if (workers < 1) throw std::logic_error("Ns3Session: workers must be >= 1");
    build_topology();
    open_connections();
  }

  static void connect(bool connected) {
    if (!connected) throw std::logic_error("ns-3: a trace source sasgsim relies on is missing");
  }

  ns3::Ptr<ns3::PointToPointNetDevice> device_of(const ns3::NetDeviceContainer& devices,
                                                 uint32_t i) {
    return ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(i));
  }

  // Installs a link from `near` (worker or switch) to `far`, tracing its two directions.
  ns3::NetDeviceContainer install_link(ns3::PointToPointHelper& p2p, const LinkOptions& link,
                                       ns3::Ptr<ns3::Node> near, ns3::Ptr<ns3::Node> far,
                                       int index) {
    p2p.SetDeviceAttribute("DataRate",
                           ns3::DataRateValue(ns3::DataRate(
                               static_cast<uint64_t>(std::llround(link.rate_bps)))));
    p2p.SetChannelAttribute("Delay",
                            ns3::TimeValue(ns3::NanoSeconds(std::llround(link.latency_s * 1e9))));
    ns3::NetDeviceContainer devices = p2p.Install(near, far);
    for (uint32_t side = 0; side < 2; ++side) {
      const bool up = side == 0;
      ns3::Ptr<ns3::PointToPointNetDevice> dev = device_of(devices, side);
      connect(dev->TraceConnectWithoutContext(
          "PhyTxBegin", ns3::MakeCallback(&Impl::on_transmit, this, index, up)));
      connect(dev->GetQueue()->TraceConnectWithoutContext(
          "Drop", ns3::MakeCallback(&Impl::on_drop, this, index, up)));
    }
    return devices;
  }

  void build_topology() {
    const NetworkOptions& net = setup.options;
    server = ns3::CreateObject<ns3::Node>();
    for (int m = 0; m < workers; ++m) worker_nodes.push_back(ns3::CreateObject<ns3::Node>());
    if (with_switch) switch_node = ns3::CreateObject<ns3::Node>();

    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    ns3::Ipv4StaticRoutingHelper static_routing;
    stack.SetRoutingHelper(static_routing);
    stack.Install(server);
    for (auto& node : worker_nodes) stack.Install(node);
    if (with_switch) stack.Install(switch_node);
    // Without a queue disc, a packet that finds its device queue full is dropped by the
    // node's traffic-control layer, before the device queue sees it.
    for (int m = 0; m < workers; ++m) trace_drops(worker_nodes[m], NodeRole::kWorker, m);
    trace_drops(server, NodeRole::kServer, -1);
    if (with_switch) trace_drops(switch_node, NodeRole::kSwitch, -1);

    ns3::PointToPointHelper p2p;
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                 ns3::QueueSizeValue(ns3::QueueSize(
                     ns3::QueueSizeUnit::PACKETS, static_cast<uint32_t>(net.queue_packets))));
    traffic.assign(static_cast<size_t>(link_count()), LinkTraffic{});
    ns3::Ptr<ns3::Node> hub = with_switch ? switch_node : server;
    for (int m = 0; m < workers; ++m) {
      ns3::NetDeviceContainer d = install_link(p2p, net.link_of(m), worker_nodes[m], hub, m);
      const uint32_t worker_if = add_interface(worker_nodes[m], d.Get(0), worker_link_address(m, 1));
      add_interface(hub, d.Get(1), worker_link_address(m, 2));
      if (with_switch) {
        static_routing.GetStaticRouting(worker_nodes[m]->GetObject<ns3::Ipv4>())
            ->SetDefaultRoute(worker_link_address(m, 2), worker_if);
      }
    }
    if (with_switch) {
      ns3::NetDeviceContainer d = install_link(p2p, net.server_link, switch_node, server, workers);
      add_interface(switch_node, d.Get(0), access_link_address(1));
      const uint32_t server_if = add_interface(server, d.Get(1), access_link_address(2));
      static_routing.GetStaticRouting(server->GetObject<ns3::Ipv4>())
          ->SetDefaultRoute(access_link_address(1), server_if);
    }
  }

  enum class NodeRole { kWorker, kServer, kSwitch };

  void trace_drops(ns3::Ptr<ns3::Node> node, NodeRole role, int worker) {
    connect(node->GetObject<ns3::TrafficControlLayer>()->TraceConnectWithoutContext(
        "TcDrop", ns3::MakeCallback(&Impl::on_node_drop, this, role, worker)));
  }

  // Attributes a packet dropped inside a node to the link and direction it was queued for,
  // from its TCP ports: the server listens on kPort, each worker has its own local port.
  void on_node_drop(NodeRole role, int worker, ns3::Ptr<const ns3::Packet> packet) {
    if (role == NodeRole::kWorker) {
      on_drop(worker, true, packet);
      return;
    }
    // Forwarded packets still carry their IP header; locally sent ones start with TCP's (whose
    // first byte, the high byte of a port >= 49152 or of 5000, is never 0x45).
    ns3::Ptr<ns3::Packet> copy = packet->Copy();
    uint8_t first = 0;
    copy->CopyData(&first, 1);
    if (first == 0x45) {
      ns3::Ipv4Header ip;
      copy->RemoveHeader(ip);
    }
    ns3::TcpHeader tcp;
    copy->PeekHeader(tcp);
    const bool to_server = tcp.GetDestinationPort() == kPort;
    if (role == NodeRole::kSwitch && to_server) {
      on_drop(workers, true, packet);
    } else if (role == NodeRole::kServer && with_switch) {
      on_drop(workers, false, packet);
    } else {
      auto found = worker_of_port.find(tcp.GetDestinationPort());
      if (found == worker_of_port.end()) {
        throw std::logic_error("ns-3: a dropped packet belongs to no worker connection");
      }
      on_drop(found->second, false, packet);
    }
  }

  ns3::Ipv4Address server_address_for(int m) const {
    return with_switch ? access_link_address(2) : worker_link_address(m, 2);
  }

  int worker_of(const ns3::Address& from) const {
    const ns3::Ipv4Address ip = ns3::InetSocketAddress::ConvertFrom(from).GetIpv4();
    for (int m = 0; m < workers; ++m) {
      if (worker_link_address(m, 1) == ip) return m;
    }
    return -1;
  }

  void open_connections() {
    worker_sockets.resize(static_cast<size_t>(workers));
    server_sockets.resize(static_cast<size_t>(workers));
    up_expected.assign(workers, 0);
    up_received.assign(workers, 0);
    up_unsent.assign(workers, 0);
    down_expected.assign(workers, 0);
    down_received.assign(workers, 0);
    down_unsent.assign(workers, 0);
    up_start_s.assign(workers, 0.0);
    up_finish_s.assign(workers, 0.0);

    listener = ns3::Socket::CreateSocket(server, ns3::TcpSocketFactory::GetTypeId());
    listener->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kPort));
    listener->Listen();
    listener->SetAcceptCallback(ns3::MakeCallback(&Impl::on_connection_request, this),
                                ns3::MakeCallback(&Impl::on_accepted, this));
    for (int m = 0; m < workers; ++m) {
      ns3::Ptr<ns3::Socket> s =
          ns3::Socket::CreateSocket(worker_nodes[m], ns3::TcpSocketFactory::GetTypeId());
      s->Bind();
      s->SetConnectCallback(ns3::MakeCallback(&Impl::on_connected, this),
                            ns3::MakeCallback(&Impl::on_connect_failed, this));
      s->SetSendCallback(ns3::MakeCallback(&Impl::on_worker_send_ready, this, m));
      s->SetRecvCallback(ns3::MakeCallback(&Impl::on_worker_received, this, m));
      s->Connect(ns3::InetSocketAddress(server_address_for(m), kPort));
      worker_sockets[m] = s;
    }
    ns3::EventId watchdog =
        ns3::Simulator::Schedule(ns3::Seconds(setup.iteration_limit_s), &Impl::on_watchdog, this);
    ns3::Simulator::Run();
    watchdog.Cancel();
    if (connect_failed || stalled || connected != workers || accepted != workers) {
      throw std::runtime_error(fmt::format(
          "ns-3: only {} of {} workers could connect to the server ({} accepted)", connected,
          workers, accepted));
    }
    for (int m = 0; m < workers; ++m) {
      ns3::Address local;
      worker_sockets[m]->GetSockName(local);
      worker_of_port[ns3::InetSocketAddress::ConvertFrom(local).GetPort()] = m;
    }
  }

  bool on_connection_request(ns3::Ptr<ns3::Socket>, const ns3::Address&) { return true; }

  void on_accepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
    const int m = worker_of(from);
    if (m < 0 || server_sockets[m]) {
      throw std::logic_error("ns-3: unexpected connection at the server");
    }
    server_sockets[m] = socket;
    socket->SetRecvCallback(ns3::MakeCallback(&Impl::on_server_received, this, m));
    socket->SetSendCallback(ns3::MakeCallback(&Impl::on_server_send_ready, this, m));
    ++accepted;
    stop_when_connected();
  }

  void on_connected(ns3::Ptr<ns3::Socket>) {
    ++connected;
    stop_when_connected();
  }

  void on_connect_failed(ns3::Ptr<ns3::Socket>) {
    connect_failed = true;
    ns3::Simulator::Stop();
  }

  void stop_when_connected() {
    if (connected == workers && accepted == workers) ns3::Simulator::Stop();
  }

  void on_watchdog() {
    stalled = true;
    ns3::Simulator::Stop();
  }

  void on_transmit(int link, bool up, ns3::Ptr<const ns3::Packet> packet) {
    LinkTraffic& t = traffic[link];
    if (up) {
      t.up_bytes += packet->GetSize();
      ++t.up_packets;
    } else {
      t.down_bytes += packet->GetSize();
      ++t.down_packets;
    }
    ++packets;
  }

  void on_drop(int link, bool up, ns3::Ptr<const ns3::Packet>) {
    ++(up ? traffic[link].up_drops : traffic[link].down_drops);
  }

  // Offers as much of the remaining message as the socket's send buffer takes; the send
  // callback brings the rest when space frees up.
  static void push(ns3::Socket& socket, int64_t& unsent) {
    while (unsent > 0) {
      const uint32_t room = socket.GetTxAvailable();
      if (room == 0) return;
      const auto size = static_cast<uint32_t>(std::min<int64_t>(unsent, room));
      const int sent = socket.Send(ns3::Create<ns3::Packet>(size), 0);
      if (sent <= 0) return;
      unsent -= sent;
    }
  }

  void on_worker_send_ready(int m, ns3::Ptr<ns3::Socket> socket, uint32_t) {
    push(*socket, up_unsent[m]);
  }

  void on_server_send_ready(int m, ns3::Ptr<ns3::Socket> socket, uint32_t) {
    push(*socket, down_unsent[m]);
  }

  void start_upload(int m) {
    up_start_s[m] = ns3::Simulator::Now().GetSeconds() - start_s;
    up_unsent[m] = up_expected[m];
    push(*worker_sockets[m], up_unsent[m]);
  }

  static int64_t drain(ns3::Socket& socket) {
    int64_t bytes = 0;
    while (ns3::Ptr<ns3::Packet> p = socket.Recv()) bytes += p->GetSize();
    return bytes;
  }

  void on_server_received(int m, ns3::Ptr<ns3::Socket> socket) {
    up_received[m] += drain(*socket);
    if (up_expected[m] == 0 || up_received[m] < up_expected[m]) return;
    if (up_received[m] > up_expected[m]) {
      throw std::logic_error("ns-3: the server received more bytes than were sent");
    }
    up_expected[m] = 0;  // delivered
    up_finish_s[m] = ns3::Simulator::Now().GetSeconds() - start_s;
    --uploads_pending;
    if (setup.options.schedule == ScheduleKind::kSequential && next_upload < order.size()) {
      start_upload(order[next_upload++]);
    } else if (uploads_pending == 0) {
      uploads_done();
    }
  }

  void uploads_done() {
    if (!downlink_now) {
      complete();
      return;
    }
    downloads_pending = workers;
    for (int m = 0; m < workers; ++m) {
      down_expected[m] = setup.downlink_bytes;
      down_received[m] = 0;
      down_unsent[m] = setup.downlink_bytes;
      push(*server_sockets[m], down_unsent[m]);
    }
  }

  void on_worker_received(int m, ns3::Ptr<ns3::Socket> socket) {
    down_received[m] += drain(*socket);
    if (down_expected[m] == 0 || down_received[m] < down_expected[m]) return;
    if (down_received[m] > down_expected[m]) {
      throw std::logic_error("ns-3: a worker received more bytes than the server sent");
    }
    down_expected[m] = 0;
    if (--downloads_pending == 0) complete();
  }

  void complete() {
    end_s = ns3::Simulator::Now().GetSeconds();
    finished = true;
    ns3::Simulator::Stop();
  }

  int link_count() const { return workers + (with_switch ? 1 : 0); }

  SessionOutcome run(const std::vector<Upload>& uploads, bool downlink) {
    SessionOutcome out;
    out.result.start_s.assign(uploads.size(), 0.0);
    out.result.finish_s.assign(uploads.size(), 0.0);
    const bool send_model = downlink && setup.downlink_bytes > 0;
    if (uploads.empty() && !send_model) {
      out.links.assign(static_cast<size_t>(link_count()), LinkTraffic{});
      return out;
    }
    order.clear();
    int previous = -1;
    for (const Upload& up : uploads) {
      if (up.worker <= previous || up.worker >= workers || up.payload_bytes <= 0) {
        throw std::logic_error("Ns3Session: uploads must be in increasing worker order, "
                               "within range, with positive sizes");
      }
      previous = up.worker;
      order.push_back(up.worker);
      up_expected[up.worker] = up.payload_bytes;
      up_received[up.worker] = 0;
    }
    const std::vector<LinkTraffic> before = traffic;
    const int64_t packets_before = packets;
    start_s = ns3::Simulator::Now().GetSeconds();
    finished = false;
    stalled = false;
    downlink_now = send_model;
    uploads_pending = static_cast<int>(order.size());
    next_upload = 0;
    if (order.empty()) {
      uploads_done();
    } else if (setup.options.schedule == ScheduleKind::kSequential) {
      start_upload(order[next_upload++]);
    } else {
      next_upload = order.size();
      for (int m : order) start_upload(m);
    }
    ns3::EventId watchdog =
        ns3::Simulator::Schedule(ns3::Seconds(setup.iteration_limit_s), &Impl::on_watchdog, this);
    ns3::Simulator::Run();
    watchdog.Cancel();
    if (!finished) {
      throw std::runtime_error(fmt::format(
          "ns-3: an iteration's transfers did not complete within {} simulated seconds "
          "({} of {} uploads delivered)",
          setup.iteration_limit_s, order.size() - static_cast<size_t>(uploads_pending),
          order.size()));
    }
    for (size_t i = 0; i < uploads.size(); ++i) {
      out.result.start_s[i] = up_start_s[order[i]];
      out.result.finish_s[i] = up_finish_s[order[i]];
    }
    out.result.comm_time_s = end_s - start_s;
    out.links.resize(traffic.size());
    for (size_t l = 0; l < traffic.size(); ++l) out.links[l] = traffic[l] - before[l];
    // Each packet counts once, where it enters the network: not again at the switch.
    for (int m = 0; m < workers; ++m) {
      out.result.wire_bytes += out.links[m].up_bytes + (with_switch ? 0 : out.links[m].down_bytes);
    }
    if (with_switch) out.result.wire_bytes += out.links[workers].down_bytes;
    out.packets = packets - packets_before;
    return out;
  }
};

Ns3Session::Ns3Session(const Ns3SessionSetup& setup) : impl_(std::make_unique<Impl>(setup)) {}

Ns3Session::~Ns3Session() = default;

SessionOutcome Ns3Session::run(const std::vector<Upload>& uploads, bool downlink) {
  return impl_->run(uploads, downlink);
}

int Ns3Session::link_count() const { return impl_->link_count(); }

double Ns3Session::now_s() const { return ns3::Simulator::Now().GetSeconds(); }

}  // namespace sasgsim
