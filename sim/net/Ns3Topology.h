// The simulated hosts and links of one ns-3 simulation: M workers, each on its own
// point-to-point link to the server (or to a switch that reaches the server's one card over an
// access link), their IPv4 stacks and routes, the switch ports' queues, and the traces that
// count every link's traffic, drops and losses.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include <ns3/ipv4-address.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-item.h>

#include "sim/net/LinkTraffic.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

class Ns3Topology {
 public:
  static constexpr uint16_t kServerPort = 5000;  // the server listens here

  // Builds every node, stack, link and route; the scenario's `net` must outlive it.
  Ns3Topology(const NetworkOptions& net, int workers);

  // Losses start with the first iteration: the connections are opened over lossless links
  // (ns-3 does not recover a lost final handshake ACK before the first data).
  void install_loss();
  // Names worker m's local TCP port, so that a packet the switch drops is counted on its link.
  void name_port(uint16_t port, int m) { worker_of_port_[port] = m; }

  ns3::Ptr<ns3::Node> server() const { return server_; }
  ns3::Ptr<ns3::Node> worker(int m) const { return worker_nodes_[m]; }  // null: co-located
  ns3::Ipv4Address server_address_for(int m) const;
  int worker_of(const ns3::Address& from) const;  // -1: no worker's address
  bool with_switch() const { return with_switch_; }
  int link_count() const { return workers_ + (with_switch_ ? 1 : 0); }
  // Cumulative, per link: workers' links 0..M-1, then the access link (switch only).
  const std::vector<LinkTraffic>& traffic() const { return traffic_; }
  int64_t packets() const { return packets_; }  // transmissions, every hop counted

 private:
  void build_topology();
  void install_stacks(ns3::Ipv4StaticRoutingHelper& static_routing);
  ns3::NetDeviceContainer install_link(ns3::PointToPointHelper& p2p, double up_rate_bps,
                                       double down_rate_bps, double latency_s,
                                       ns3::Ptr<ns3::Node> near, ns3::Ptr<ns3::Node> far,
                                       int index);
  void configure_device(ns3::Ptr<ns3::PointToPointNetDevice> dev, double rate_bps);
  void install_queue_disc(ns3::Ptr<ns3::PointToPointNetDevice> dev, int index, bool up);

  void on_transmit(int link, bool up, ns3::Ptr<const ns3::Packet> packet);
  void on_drop(int link, bool up, ns3::Ptr<const ns3::Packet>);
  void on_queue_disc_drop(int link, bool up, ns3::Ptr<const ns3::QueueDiscItem>);
  void on_switch_drop(ns3::Ptr<const ns3::Packet> packet);
  void on_lost(int link, bool up, ns3::Ptr<const ns3::Packet>);

  const NetworkOptions& net_;
  int workers_;
  bool with_switch_;
  ns3::Ptr<ns3::Node> server_;
  ns3::Ptr<ns3::Node> switch_node_;
  std::vector<ns3::Ptr<ns3::Node>> worker_nodes_;
  std::vector<ns3::Ptr<ns3::PointToPointNetDevice>> devices_;
  std::vector<LinkTraffic> traffic_;
  int64_t packets_ = 0;
  std::unordered_map<uint16_t, int> worker_of_port_;  // a worker's local TCP port -> worker
};

}  // namespace sasgsim
