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

#include "sim/net/MessageTiming.h"
#include "sim/net/Ns3Links.h"
#include "sim/net/Ns3Globals.h"

namespace sasgsim {

namespace {

constexpr uint16_t kPort = 5000;
// A host's own card never drops what its TCP sends (Linux's TCP Small Queues keep the excess
// in the socket): only the switch's ports drop.
constexpr uint32_t kHostQueuePackets = 1u << 20;

}  // namespace

struct Ns3Session::Impl {
  // First member: ns-3's global state outlives every ns-3 object below.
  Ns3Globals globals;
  Ns3SessionSetup setup;
  const NetworkOptions& net;
  int workers;
  bool with_switch;

  ns3::Ptr<ns3::Node> server;
  ns3::Ptr<ns3::Node> switch_node;
  std::vector<ns3::Ptr<ns3::Node>> worker_nodes;  // null for a co-located worker 0
  std::vector<ns3::Ptr<ns3::PointToPointNetDevice>> devices;
  std::vector<LinkTraffic> traffic;  // cumulative, per link
  int64_t packets = 0;

  ns3::Ptr<ns3::Socket> listener;
  std::vector<ns3::Ptr<ns3::Socket>> worker_sockets;  // worker side, by worker
  std::vector<ns3::Ptr<ns3::Socket>> server_sockets;  // server side, by worker
  std::unordered_map<uint16_t, int> worker_of_port;  // a worker's local TCP port -> worker
  int remote = 0;  // workers with a host of their own
  int connected = 0;
  int accepted = 0;
  bool connect_failed = false;
  int abandoned = -1;  // a worker whose connection TCP gave up on

  // The iteration in progress, per worker. The server -> worker stream carries the ready
  // message (when the worker uploads) and then the model (downlink).
  struct Progress {
    int64_t payload = 0;        // bytes to upload; 0: not uploading
    int64_t up_received = 0;    // at the server
    int64_t up_unsent = 0;
    int64_t ready_bytes = 0;    // of the ready message, 0 when there is none
    int64_t down_expected = 0;  // ready message + model
    int64_t down_received = 0;  // at the worker
    int64_t down_unsent = 0;
    bool prepared = false;
    bool ready = false;
    bool model_awaited = false;
  };
  std::vector<Progress> progress;
  TransferResult times;     // by position in the iteration's uploads
  std::vector<int> order;   // uploading remote workers, in worker order
  std::vector<int> position;  // worker -> its index in the uploads, -1 if not uploading
  size_t next_upload = 0;   // sequential: the next receive to post
  int uploads_pending = 0;
  int downloads_pending = 0;
  bool downlink_now = false;
  ServerCpu cpu;
  double start_s = 0.0;
  double receive_from_s = 0.0;  // the server starts receiving (its own computation done)
  double slowest_end_s = 0.0;   // the slowest worker's computation done
  double end_s = 0.0;
  bool finished = false;
  bool stalled = false;

  Impl(const Ns3SessionSetup& s)
      : globals(s.options, s.seed),
        setup(s),
        net(setup.options),
        workers(s.workers),
        with_switch(s.options.topology == TopologyKind::kSwitch) {
    if (workers < 1) throw std::logic_error("Ns3Session: workers must be >= 1");
    for (int m = 0; m < workers; ++m) remote += net.is_remote(m) ? 1 : 0;
    build_topology();
    open_connections();
    install_loss();
  }

  static void connect(bool connected) {
    if (!connected) throw std::logic_error("ns-3: a trace source sasgsim relies on is missing");
  }

  static double now() { return ns3::Simulator::Now().GetSeconds(); }

  // Calls f now, or after `delay_s` of simulated time.
  template <typename F>
  static void after(double delay_s, F f) {
    if (delay_s <= 0.0) {
      f();
    } else {
      ns3::Simulator::Schedule(ns3::Seconds(delay_s), f);
    }
  }

  // One direction of a link: its rate, and the inter-frame gap that brings each frame's wire
  // cost from the 2 bytes of PPP to framing_bytes.
  void configure_device(ns3::Ptr<ns3::PointToPointNetDevice> dev, double rate_bps) {
    dev->SetDataRate(ns3::DataRate(static_cast<uint64_t>(std::llround(rate_bps))));
    const double gap_bits = 8.0 * static_cast<double>(net.framing_bytes - 2);
    dev->SetInterframeGap(ns3::Seconds(gap_bits / rate_bps));
    devices.push_back(dev);
  }

  // Losses start with the first iteration: the connections are opened over lossless links
  // (ns-3 does not recover a lost final handshake ACK before the first data).
  void install_loss() {
    if (net.loss.rate <= 0.0) return;
    for (auto& dev : devices) dev->SetReceiveErrorModel(make_error_model(net.loss));
  }

  // Installs a link from `near` (worker or switch) to `far`, tracing its two directions.
  ns3::NetDeviceContainer install_link(ns3::PointToPointHelper& p2p, double up_rate_bps,
                                       double down_rate_bps, double latency_s,
                                       ns3::Ptr<ns3::Node> near, ns3::Ptr<ns3::Node> far,
                                       int index) {
    p2p.SetChannelAttribute("Delay",
                            ns3::TimeValue(ns3::NanoSeconds(std::llround(latency_s * 1e9))));
    ns3::NetDeviceContainer devices = p2p.Install(near, far);
    for (uint32_t side = 0; side < 2; ++side) {
      const bool up = side == 0;  // the near side sends towards the server
      auto dev = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(side));
      configure_device(dev, up ? up_rate_bps : down_rate_bps);
      if ((up ? near : far) != switch_node) {
        dev->GetQueue()->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, kHostQueuePackets));
      }
      connect(dev->TraceConnectWithoutContext(
          "PhyTxBegin", ns3::MakeCallback(&Impl::on_transmit, this, index, up)));
      connect(dev->GetQueue()->TraceConnectWithoutContext(
          "Drop", ns3::MakeCallback(&Impl::on_drop, this, index, up)));
      // A packet lost arriving here travelled the other way.
      connect(dev->TraceConnectWithoutContext(
          "PhyRxDrop", ns3::MakeCallback(&Impl::on_lost, this, index, !up)));
    }
    return devices;
  }

  void install_stacks(ns3::Ipv4StaticRoutingHelper& static_routing) {
    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(static_routing);
    stack.Install(server);
    for (auto& node : worker_nodes) {
      if (node) stack.Install(node);
    }
    if (with_switch) stack.Install(switch_node);
    // Without a queue disc, a packet that finds its device queue full is dropped by the
    // node's traffic-control layer, before the device queue sees it; only the switch's
    // queues fill (the hosts' do not: kHostQueuePackets).
    if (with_switch) {
      connect(switch_node->GetObject<ns3::TrafficControlLayer>()->TraceConnectWithoutContext(
          "TcDrop", ns3::MakeCallback(&Impl::on_switch_drop, this)));
    }
  }

  void build_topology() {
    server = ns3::CreateObject<ns3::Node>();
    for (int m = 0; m < workers; ++m) {
      worker_nodes.push_back(net.is_remote(m) ? ns3::CreateObject<ns3::Node>() : nullptr);
    }
    if (with_switch) switch_node = ns3::CreateObject<ns3::Node>();
    ns3::Ipv4StaticRoutingHelper static_routing;
    install_stacks(static_routing);

    ns3::PointToPointHelper p2p;
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                 ns3::QueueSizeValue(ns3::QueueSize(
                     ns3::QueueSizeUnit::PACKETS, static_cast<uint32_t>(net.queue_packets))));
    traffic.assign(static_cast<size_t>(link_count()), LinkTraffic{});
    ns3::Ptr<ns3::Node> hub = with_switch ? switch_node : server;
    for (int m = 0; m < workers; ++m) {
      if (!worker_nodes[m]) continue;
      const LinkOptions link = net.link_of(m);
      ns3::NetDeviceContainer d =
          install_link(p2p, link.rate_bps, link.rate_bps, link.latency_s, worker_nodes[m], hub, m);
      const uint32_t worker_if = add_interface(worker_nodes[m], d.Get(0), worker_link_address(m, 1));
      add_interface(hub, d.Get(1), worker_link_address(m, 2));
      if (with_switch) {
        static_routing.GetStaticRouting(worker_nodes[m]->GetObject<ns3::Ipv4>())
            ->SetDefaultRoute(worker_link_address(m, 2), worker_if);
      }
    }
    if (with_switch) {
      const ServerLinkOptions& card = net.server_link;
      ns3::NetDeviceContainer d = install_link(p2p, card.upload_rate(), card.download_rate(),
                                               card.latency_s, switch_node, server, workers);
      add_interface(switch_node, d.Get(0), access_link_address(1));
      const uint32_t server_if = add_interface(server, d.Get(1), access_link_address(2));
      static_routing.GetStaticRouting(server->GetObject<ns3::Ipv4>())
          ->SetDefaultRoute(access_link_address(1), server_if);
    }
  }

  // Attributes a packet the switch dropped to the link it was queued for, from its TCP
  // destination port: the server listens on kPort, each worker has its own local port.
  void on_switch_drop(ns3::Ptr<const ns3::Packet> packet) {
    ns3::Ptr<ns3::Packet> copy = packet->Copy();
    ns3::Ipv4Header ip;
    copy->RemoveHeader(ip);  // forwarded: it still carries its IP header
    ns3::TcpHeader tcp;
    copy->PeekHeader(tcp);
    if (tcp.GetDestinationPort() == kPort) {
      on_drop(workers, true, packet);
      return;
    }
    auto found = worker_of_port.find(tcp.GetDestinationPort());
    if (found == worker_of_port.end()) {
      throw std::logic_error("ns-3: a dropped packet belongs to no worker connection");
    }
    on_drop(found->second, false, packet);
  }

  ns3::Ipv4Address server_address_for(int m) const {
    return with_switch ? access_link_address(2) : worker_link_address(m, 2);
  }

  int worker_of(const ns3::Address& from) const {
    const ns3::Ipv4Address ip = ns3::InetSocketAddress::ConvertFrom(from).GetIpv4();
    for (int m = 0; m < workers; ++m) {
      if (worker_nodes[m] && worker_link_address(m, 1) == ip) return m;
    }
    return -1;
  }

  void open_connections() {
    worker_sockets.resize(static_cast<size_t>(workers));
    server_sockets.resize(static_cast<size_t>(workers));
    progress.assign(static_cast<size_t>(workers), Progress{});
    position.assign(static_cast<size_t>(workers), -1);

    listener = ns3::Socket::CreateSocket(server, ns3::TcpSocketFactory::GetTypeId());
    listener->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kPort));
    listener->Listen();
    listener->SetAcceptCallback(ns3::MakeCallback(&Impl::on_connection_request, this),
                                ns3::MakeCallback(&Impl::on_accepted, this));
    for (int m = 0; m < workers; ++m) {
      if (!worker_nodes[m]) continue;
      ns3::Ptr<ns3::Socket> s =
          ns3::Socket::CreateSocket(worker_nodes[m], ns3::TcpSocketFactory::GetTypeId());
      s->Bind();
      s->SetConnectCallback(ns3::MakeCallback(&Impl::on_connected, this),
                            ns3::MakeCallback(&Impl::on_connect_failed, this));
      s->SetSendCallback(ns3::MakeCallback(&Impl::on_worker_send_ready, this, m));
      s->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                           ns3::MakeCallback(&Impl::on_abandoned, this, m));
      s->SetRecvCallback(ns3::MakeCallback(&Impl::on_worker_received, this, m));
      s->Connect(ns3::InetSocketAddress(server_address_for(m), kPort));
      worker_sockets[m] = s;
    }
    if (remote > 0) run_until_done();
    if (connect_failed || stalled || connected != remote || accepted != remote) {
      throw std::runtime_error(fmt::format(
          "ns-3: only {} of {} workers could connect to the server ({} accepted)", connected,
          remote, accepted));
    }
    for (int m = 0; m < workers; ++m) {
      if (!worker_sockets[m]) continue;
      ns3::Address local;
      worker_sockets[m]->GetSockName(local);
      worker_of_port[ns3::InetSocketAddress::ConvertFrom(local).GetPort()] = m;
    }
  }

  // Runs the simulation until a callback stops it, or the iteration limit (stalled).
  void run_until_done() {
    ns3::EventId watchdog =
        ns3::Simulator::Schedule(ns3::Seconds(setup.iteration_limit_s), &Impl::on_watchdog, this);
    ns3::Simulator::Run();
    watchdog.Cancel();
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
    socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                              ns3::MakeCallback(&Impl::on_abandoned, this, m));
    ++accepted;
    stop_when_connected();
  }

  void on_connected(ns3::Ptr<ns3::Socket>) {
    ++connected;
    stop_when_connected();
  }

  void on_abandoned(int m, ns3::Ptr<ns3::Socket>) {  // TCP gave up (DataRetries)
    abandoned = m;
    ns3::Simulator::Stop();
  }

  void on_connect_failed(ns3::Ptr<ns3::Socket>) {
    connect_failed = true;
    ns3::Simulator::Stop();
  }

  void stop_when_connected() {
    if (connected == remote && accepted == remote) ns3::Simulator::Stop();
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

  void on_lost(int link, bool up, ns3::Ptr<const ns3::Packet>) {
    ++(up ? traffic[link].up_lost : traffic[link].down_lost);
  }

  void on_worker_send_ready(int m, ns3::Ptr<ns3::Socket> socket, uint32_t) {
    push(*socket, progress[m].up_unsent);
  }

  void on_server_send_ready(int m, ns3::Ptr<ns3::Socket> socket, uint32_t) {
    push(*socket, progress[m].down_unsent);
  }

  double since_start() const { return now() - start_s; }

  // --- one upload: prepared and ready, then sent, delivered, received and aggregated ---

  // The server posts worker m's receive: its ready message goes out (or, without a
  // rendezvous, the worker is ready at once).
  void post_receive(int m) {
    Progress& p = progress[m];
    if (p.ready_bytes == 0) {
      on_ready(m);
      return;
    }
    p.down_unsent += p.ready_bytes;
    push(*server_sockets[m], p.down_unsent);
  }

  void on_prepared(int m) {
    progress[m].prepared = true;
    times.prepared_s[position[m]] = since_start();
    start_when_possible(m);
  }

  void on_ready(int m) {
    progress[m].ready = true;
    times.ready_s[position[m]] = since_start();
    start_when_possible(m);
  }

  void start_when_possible(int m) {
    Progress& p = progress[m];
    if (!p.prepared || !p.ready) return;
    times.start_s[position[m]] = since_start();
    p.up_unsent = p.payload;
    push(*worker_sockets[m], p.up_unsent);
  }

  void on_server_received(int m, ns3::Ptr<ns3::Socket> socket) {
    Progress& p = progress[m];
    p.up_received += drain(*socket);
    if (p.payload == 0 || p.up_received < p.payload) return;
    if (p.up_received > p.payload) {
      throw std::logic_error("ns-3: the server received more bytes than were sent");
    }
    const int64_t bytes = p.payload;
    p.payload = 0;  // delivered
    times.delivered_s[position[m]] = since_start();
    const MessageCosts& costs = net.costs;
    const double done_s = cpu.process(now(), costs.receive_s(bytes) + costs.aggregation_s(bytes));
    after(done_s - now(), [this, m] { on_aggregated(m); });
  }

  void on_aggregated(int m) {
    times.finish_s[position[m]] = since_start();
    --uploads_pending;
    if (net.schedule == ScheduleKind::kSequential && next_upload < order.size()) {
      post_receive(order[next_upload++]);
    } else if (uploads_pending == 0) {
      uploads_done();
    }
  }

  // --- the downlink: the model prepared once, sent to every remote worker ---

  void uploads_done() {
    if (!downlink_now) {
      complete();
      return;
    }
    const double sent_s = cpu.process(std::max(now(), slowest_end_s),
                                      net.costs.send_s(setup.downlink_bytes));
    after(sent_s - now(), [this] { send_model(); });
  }

  void send_model() {
    downloads_pending = remote;
    for (int m = 0; m < workers; ++m) {
      if (!worker_nodes[m]) continue;
      Progress& p = progress[m];
      p.model_awaited = true;
      p.down_expected += setup.downlink_bytes;
      p.down_unsent += setup.downlink_bytes;
      push(*server_sockets[m], p.down_unsent);
    }
  }

  void on_worker_received(int m, ns3::Ptr<ns3::Socket> socket) {
    Progress& p = progress[m];
    p.down_received += drain(*socket);
    if (p.ready_bytes > 0 && !p.ready && p.down_received >= p.ready_bytes) on_ready(m);
    if (!p.model_awaited || p.down_received < p.down_expected) return;
    if (p.down_received > p.down_expected) {
      throw std::logic_error("ns-3: a worker received more bytes than the server sent");
    }
    p.model_awaited = false;
    after(net.costs.receive_s(setup.downlink_bytes), [this] {
      if (--downloads_pending == 0) complete();
    });
  }

  void complete() {
    end_s = now();
    finished = true;
    ns3::Simulator::Stop();
  }

  int link_count() const { return workers + (with_switch ? 1 : 0); }

  // Resets the per-worker state for `uploads`.
  void begin_iteration(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                       bool send_model_now) {
    for (Progress& p : progress) p = Progress{};
    int previous = -1;
    for (const Upload& up : uploads) {
      if (up.worker <= previous || up.worker >= workers || up.payload_bytes <= 0) {
        throw std::logic_error("Ns3Session: uploads must be in increasing worker order, "
                               "within range, with positive sizes");
      }
      previous = up.worker;
      Progress& p = progress[up.worker];
      p.payload = up.payload_bytes;
      p.ready_bytes = net.costs.rendezvous_bytes;
      p.down_expected = p.ready_bytes;
    }
    times = TransferResult{};
    times.resize(uploads.size());
    start_s = now();
    receive_from_s = start_s + server_start_s(net, compute);
    slowest_end_s = start_s + compute.slowest_s;
    cpu = ServerCpu(receive_from_s);
    finished = false;
    stalled = false;
    downlink_now = send_model_now;
    uploads_pending = static_cast<int>(uploads.size());
    next_upload = 0;
  }

  // The iteration's first events: local aggregation, the senders' costs, the first receives.
  void start_iteration(const std::vector<Upload>& uploads) {
    order.clear();  // receives are posted to remote workers only
    std::fill(position.begin(), position.end(), -1);
    for (size_t i = 0; i < uploads.size(); ++i) position[uploads[i].worker] = static_cast<int>(i);
    for (size_t i = 0; i < uploads.size(); ++i) {
      const int m = uploads[i].worker;
      if (!net.is_remote(m)) {
        cpu = ServerCpu(start_s + aggregate_local(uploads[i], net.costs, receive_from_s - start_s,
                                                  i, times));
        --uploads_pending;
        continue;
      }
      order.push_back(m);
      after(uploads[i].computed_s + net.costs.send_s(uploads[i].payload_bytes),
            [this, m] { on_prepared(m); });
    }
    if (order.empty()) {
      after(cpu.free_s() - now(), [this] { uploads_done(); });
    } else if (net.schedule == ScheduleKind::kSequential) {
      next_upload = 1;
      after(cpu.free_s() - now(), [this] { post_receive(order[0]); });
    } else {
      next_upload = order.size();
      after(receive_from_s - now(), [this] {
        for (int m : order) post_receive(m);
      });
    }
  }

  SessionOutcome run(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                     bool downlink) {
    SessionOutcome out;
    const bool send_model = downlink && setup.downlink_bytes > 0 && remote > 0;
    const std::vector<LinkTraffic> before = traffic;
    const int64_t packets_before = packets;
    const double iteration_start_s = now();
    if (uploads.empty() && !send_model) {
      out.result.resize(0);
    } else {
      communicate(uploads, compute, send_model);
      out.result = times;
      out.result.end_s = end_s - start_s;
    }
    idle_until(iteration_start_s + compute.slowest_s);  // the network idles meanwhile
    out.links.resize(traffic.size());
    for (size_t l = 0; l < traffic.size(); ++l) out.links[l] = traffic[l] - before[l];
    out.result.wire_bytes = wire_bytes(out.links, workers, with_switch);
    out.packets = packets - packets_before;
    return out;
  }

  // The iteration's messages, simulated until the last is done.
  void communicate(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                   bool send_model) {
    begin_iteration(uploads, compute, send_model);
    start_iteration(uploads);
    run_until_done();
    if (abandoned >= 0) {
      throw std::runtime_error(fmt::format(
          "ns-3: TCP abandoned worker {}'s connection after retransmitting a segment "
          "ns3::TcpSocket::DataRetries times (give it more through network.ns3_attributes, or "
          "a larger network.queue_packets)",
          abandoned));
    }
    if (!finished) {
      throw std::runtime_error(fmt::format(
          "ns-3: an iteration's transfers did not complete within {} simulated seconds "
          "({} of {} uploads delivered)",
          setup.iteration_limit_s, uploads.size() - static_cast<size_t>(uploads_pending),
          uploads.size()));
    }
  }
};

Ns3Session::Ns3Session(const Ns3SessionSetup& setup) : impl_(std::make_unique<Impl>(setup)) {}

Ns3Session::~Ns3Session() = default;

SessionOutcome Ns3Session::run(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                               bool downlink) {
  return impl_->run(uploads, compute, downlink);
}

int Ns3Session::link_count() const { return impl_->link_count(); }

double Ns3Session::now_s() const { return ns3::Simulator::Now().GetSeconds(); }

}  // namespace sasgsim
