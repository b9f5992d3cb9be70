#include "sim/net/Ns3Session.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <ns3/inet-socket-address.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/tcp-socket-factory.h>

#include "sim/net/MessageTiming.h"
#include "sim/net/Ns3Links.h"
#include "sim/net/Ns3Globals.h"
#include "sim/net/Ns3Topology.h"

namespace sasgsim {

struct Ns3Session::Impl {
  // First member: ns-3's global state outlives every ns-3 object below.
  Ns3Globals globals;
  Ns3SessionSetup setup;
  const NetworkOptions& net;
  int workers;

  Ns3Topology topology;

  ns3::Ptr<ns3::Socket> listener;
  std::vector<ns3::Ptr<ns3::Socket>> worker_sockets;  // worker side, by worker
  std::vector<ns3::Ptr<ns3::Socket>> server_sockets;  // server side, by worker
  int remote = 0;  // workers with a host of their own
  int connect_target = 0;  // connections opened so far
  int connected = 0;
  int accepted = 0;
  bool connect_failed = false;
  int abandoned = -1;  // a worker whose connection TCP gave up on

  // The iteration in progress, per worker. The server -> worker stream carries the server's
  // ready message (when the worker uploads) and then the model (downlink); the worker ->
  // server stream the upload and then the worker's ready message for the model (downlink).
  struct Progress {
    int64_t payload = 0;        // bytes to upload; 0: not uploading
    int64_t model_ready_bytes = 0;  // of the worker's ready message for the model, or 0
    int64_t up_received = 0;    // at the server
    int64_t up_unsent = 0;
    int64_t ready_bytes = 0;    // of the server's ready message, 0 when there is none
    int64_t down_expected = 0;  // ready message + model
    int64_t down_received = 0;  // at the worker
    int64_t down_unsent = 0;
    bool prepared = false;
    bool ready = false;
    bool delivered = false;
    bool model_ready = false;   // the worker's ready message for the model is at the server
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
  bool model_prepared = false;  // the server's send costs for the model are done
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
        topology(net, checked_workers(s.workers)) {
    for (int m = 0; m < workers; ++m) remote += net.is_remote(m) ? 1 : 0;
    open_connections();
    topology.install_loss();
  }

  static int checked_workers(int workers) {
    if (workers < 1) throw std::logic_error("Ns3Session: workers must be >= 1");
    return workers;
  }

  static double now() { return ns3::Simulator::Now().GetSeconds(); }

  // Calls f now, or after `delay_s` of simulated time.
  template <typename F>
  static void after(double delay_s, F f) {
    if (delay_s <= 0.0) {
      f();
    } else {
      checked_seconds(now() + delay_s, "an event");
      ns3::Simulator::Schedule(ns3::Seconds(delay_s), f);
    }
  }

  void open_connections() {
    worker_sockets.resize(static_cast<size_t>(workers));
    server_sockets.resize(static_cast<size_t>(workers));
    progress.assign(static_cast<size_t>(workers), Progress{});
    position.assign(static_cast<size_t>(workers), -1);

    listener = ns3::Socket::CreateSocket(topology.server(), ns3::TcpSocketFactory::GetTypeId());
    listener->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), Ns3Topology::kServerPort));
    listener->Listen();
    listener->SetAcceptCallback(ns3::MakeCallback(&Impl::on_connection_request, this),
                                ns3::MakeCallback(&Impl::on_accepted, this));
    // In waves of at most a switch queue's worth of workers: a thousand simultaneous SYNs
    // would overflow the switch's port and some handshakes would fail.
    const int wave = static_cast<int>(std::min<int64_t>(net.queue_packets, workers));
    for (int m = 0; m < workers; ++m) {
      if (!topology.worker(m)) continue;
      if (connect_target > 0 && connect_target % wave == 0) connect_opened();
      ++connect_target;
      ns3::Ptr<ns3::Socket> s =
          ns3::Socket::CreateSocket(topology.worker(m), ns3::TcpSocketFactory::GetTypeId());
      s->Bind();
      s->SetConnectCallback(ns3::MakeCallback(&Impl::on_connected, this),
                            ns3::MakeCallback(&Impl::on_connect_failed, this));
      s->SetSendCallback(ns3::MakeCallback(&Impl::on_worker_send_ready, this, m));
      s->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                           ns3::MakeCallback(&Impl::on_abandoned, this, m));
      s->SetRecvCallback(ns3::MakeCallback(&Impl::on_worker_received, this, m));
      s->Connect(ns3::InetSocketAddress(topology.server_address_for(m), Ns3Topology::kServerPort));
      worker_sockets[m] = s;
    }
    if (remote > 0) connect_opened();
    for (int m = 0; m < workers; ++m) {
      if (!worker_sockets[m]) continue;
      ns3::Address local;
      worker_sockets[m]->GetSockName(local);
      topology.name_port(ns3::InetSocketAddress::ConvertFrom(local).GetPort(), m);
    }
  }

  // Simulates until every connection opened so far is established.
  void connect_opened() {
    run_until_done();
    if (connect_failed || stalled || connected != connect_target || accepted != connect_target) {
      throw std::runtime_error(fmt::format(
          "ns-3: only {} of {} workers could connect to the server ({} accepted)", connected,
          connect_target, accepted));
    }
  }

  // Runs the simulation until a callback stops it, or the iteration limit (stalled).
  void run_until_done() {
    checked_seconds(now() + setup.iteration_limit_s, "an iteration's time limit");
    ns3::EventId watchdog =
        ns3::Simulator::Schedule(ns3::Seconds(setup.iteration_limit_s), &Impl::on_watchdog, this);
    ns3::Simulator::Run();
    watchdog.Cancel();
  }

  bool on_connection_request(ns3::Ptr<ns3::Socket>, const ns3::Address&) { return true; }

  void on_accepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
    const int m = topology.worker_of(from);
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
    if (connected == connect_target && accepted == connect_target) ns3::Simulator::Stop();
  }

  void on_watchdog() {
    stalled = true;
    ns3::Simulator::Stop();
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
    p.up_unsent += p.payload + p.model_ready_bytes;  // the ready message for the model behind
    push(*worker_sockets[m], p.up_unsent);
  }

  // A worker that does not upload posts its receive of the model when its computation is done.
  void post_model_receive(int m) {
    Progress& p = progress[m];
    p.up_unsent += p.model_ready_bytes;
    push(*worker_sockets[m], p.up_unsent);
  }

  void on_server_received(int m, ns3::Ptr<ns3::Socket> socket) {
    Progress& p = progress[m];
    p.up_received += drain(*socket);
    if (p.up_received > p.payload + p.model_ready_bytes) {
      throw std::logic_error("ns-3: the server received more bytes than were sent");
    }
    if (p.payload > 0 && !p.delivered && p.up_received >= p.payload) on_delivered(m);
    if (!p.model_ready && p.up_received == p.payload + p.model_ready_bytes) on_model_ready(m);
  }

  void on_delivered(int m) {
    Progress& p = progress[m];
    const int64_t bytes = p.payload;
    p.delivered = true;
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
    after(sent_s - now(), [this] { on_model_prepared(); });
  }

  void on_model_prepared() {
    model_prepared = true;
    downloads_pending = remote;
    for (int m = 0; m < workers; ++m) {
      if (topology.worker(m) && progress[m].model_ready) send_model_to(m);
    }
  }

  void on_model_ready(int m) {
    progress[m].model_ready = true;
    if (model_prepared) send_model_to(m);
  }

  void send_model_to(int m) {
    Progress& p = progress[m];
    p.model_awaited = true;
    p.down_expected += setup.downlink_bytes;
    p.down_unsent += setup.downlink_bytes;
    push(*server_sockets[m], p.down_unsent);
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


  // Resets the per-worker state for `uploads`.
  void begin_iteration(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                       bool send_model_now, const std::vector<double>& model_ready_s) {
    check_every_worker_given(compute, progress.size(), "Ns3Session");
    if (!model_ready_s.empty() && model_ready_s.size() != progress.size()) {
      throw std::logic_error("Ns3Session: model_ready_s must give every worker's time");
    }
    const bool given = !model_ready_s.empty();
    const int64_t model_ready_bytes =
        send_model_now && !given ? net.costs.rendezvous_bytes : 0;
    for (Progress& p : progress) {
      p = Progress{};
      p.model_ready_bytes = model_ready_bytes;
      p.model_ready = model_ready_bytes == 0 && !given;
    }
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
    model_prepared = false;
    uploads_pending = static_cast<int>(uploads.size());
    next_upload = 0;
  }

  // The iteration's first events: local aggregation, the senders' costs, the first receives.
  void start_iteration(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                       const std::vector<double>& model_ready_s) {
    order.clear();  // receives are posted to remote workers only
    std::fill(position.begin(), position.end(), -1);
    for (size_t i = 0; i < uploads.size(); ++i) position[uploads[i].worker] = static_cast<int>(i);
    for (int m = 0; m < workers; ++m) {
      if (!topology.worker(m) || progress[m].model_ready) continue;
      if (!model_ready_s.empty()) {
        after(model_ready_s[m], [this, m] { on_model_ready(m); });
      } else if (position[m] < 0) {
        after(compute.worker_s(m), [this, m] { post_model_receive(m); });
      }
    }
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
                     bool downlink, const std::vector<double>& model_ready_s) {
    SessionOutcome out;
    const bool send_model = downlink && setup.downlink_bytes > 0 && remote > 0;
    const std::vector<LinkTraffic> before = topology.traffic();
    const int64_t packets_before = topology.packets();
    const double iteration_start_s = now();
    if (uploads.empty() && !send_model) {
      out.result.resize(0);
    } else {
      communicate(uploads, compute, send_model, model_ready_s);
      out.result = times;
      out.result.end_s = end_s - start_s;
    }
    idle_until(iteration_start_s + compute.slowest_s);  // the network idles meanwhile
    const std::vector<LinkTraffic>& traffic = topology.traffic();
    out.links.resize(traffic.size());
    for (size_t l = 0; l < traffic.size(); ++l) out.links[l] = traffic[l] - before[l];
    out.result.wire_bytes = wire_bytes(out.links, workers, topology.with_switch());
    out.packets = topology.packets() - packets_before;
    return out;
  }

  // The iteration's messages, simulated until the last is done.
  void communicate(const std::vector<Upload>& uploads, const ComputeSpan& compute,
                   bool send_model, const std::vector<double>& model_ready_s) {
    begin_iteration(uploads, compute, send_model, model_ready_s);
    start_iteration(uploads, compute, model_ready_s);
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
                               bool downlink, const std::vector<double>& model_ready_s) {
  return impl_->run(uploads, compute, downlink, model_ready_s);
}

int Ns3Session::link_count() const { return impl_->topology.link_count(); }

double Ns3Session::now_s() const { return ns3::Simulator::Now().GetSeconds(); }

}  // namespace sasgsim
