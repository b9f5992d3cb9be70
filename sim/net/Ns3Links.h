// Building blocks of the simulated topology: addresses, interfaces, error models, and the
// byte-stream helpers of its sockets and its clock.
#pragma once

#include <cstdint>

#include <ns3/error-model.h>
#include <ns3/ipv4-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/socket.h>

#include "sim/scenario/Scenario.h"

namespace sasgsim {

// Worker m's link is the subnet 10.(1 + m / 256).(m % 256).0/24: worker .1, far end .2.
ns3::Ipv4Address worker_link_address(int m, int host);

// The access link (switch topology): 172.16.0.0/24, switch .1, server .2.
ns3::Ipv4Address access_link_address(int host);

// Adds `device` to `node`'s IPv4 stack with `address`/24; returns the interface index.
uint32_t add_interface(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::NetDevice> device,
                       ns3::Ipv4Address address);

// The error model of network.loss on one receiving interface: independent losses, or bursts
// of 1 .. 2b-1 packets (mean b) starting at rate / b per packet. Its random streams are
// `stream` and `stream` + 1: ns-3 would otherwise number them from a process-wide counter that
// no reset rewinds, and the same simulation would draw other losses each time it is built.
ns3::Ptr<ns3::ErrorModel> make_error_model(const LossOptions& loss, int64_t stream);
inline constexpr int64_t kErrorModelStreams = 2;  // streams each error model takes

// Offers as much of the remaining message as the socket's send buffer takes (`unsent` counts
// down); the socket's send callback calls it again when space frees up.
void push(ns3::Socket& socket, int64_t& unsent);

// Simulated seconds ns-3 may be given: its clock counts 64-bit nanoseconds (about 292 years),
// and no delay added to a time within this bound can overflow it.
inline constexpr double kMaxSimulatedS = 1e9;  // about 31.7 years

// `s`, checked before ns-3 converts it to its integer clock: std::range_error naming `what`
// when s is not finite or its magnitude exceeds kMaxSimulatedS.
double checked_seconds(double s, const char* what);

// `s` in integer nanoseconds (rounded to nearest), checked as checked_seconds.
int64_t checked_nanoseconds(double s, const char* what);

// A link's rate as ns-3's integer bits per second; std::logic_error outside the physical
// range of Units.h, which every scenario's rates keep to.
uint64_t checked_rate_bps(double bps);

// Lets simulated time run on (timers fire, late ACKs arrive) up to `t_s` seconds.
void idle_until(double t_s);

// Reads everything the socket has received; returns the bytes.
int64_t drain(ns3::Socket& socket);

}  // namespace sasgsim
