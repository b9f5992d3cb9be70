// The hosts' part of an iteration's timing: the senders' and the server's software costs
// around what the network takes (MessageCosts), shared by the analytic backend and by the
// ns3 backend's memo mode, which simulates each upload's network part on its own.
#pragma once

#include <functional>
#include <vector>

#include "sim/net/Network.h"
#include "sim/scenario/Scenario.h"

namespace sasgsim {

// What the network alone takes for one upload.
struct NetworkLeg {
  double ready_s = 0.0;     // from the server posting its receive to the ready message's arrival
  double transfer_s = 0.0;  // from the first byte offered to the last byte delivered
};

// The server's CPU: it receives and aggregates one message at a time, in arrival order.
class ServerCpu {
 public:
  explicit ServerCpu(double free_s = 0.0) : free_s_(free_s) {}
  // Work of `cost_s` that can start at `arrival_s`; returns when it is done.
  double process(double arrival_s, double cost_s);
  double free_s() const { return free_s_; }

 private:
  double free_s_;
};

// When the server starts receiving: at once when dedicated, after worker 0's computation when
// it hosts worker 0.
double server_start_s(const NetworkOptions& options, const ComputeSpan& compute);

// Sequential uploads (one leg per upload; a co-located worker 0's is ignored): once its own
// computation is done the server aggregates a co-located worker 0's gradient, then posts each
// receive when the previous upload has been aggregated; each sender starts its costs when its
// computation is done. Fills every per-upload time and end_s of `out`.
void compose_sequential(const std::vector<Upload>& uploads, const std::vector<NetworkLeg>& legs,
                        const NetworkOptions& options, const ComputeSpan& compute,
                        TransferResult& out);

// Throws std::logic_error naming `who` unless `compute` gives every one of `workers` workers'
// time, or none (each worker then done with the slowest).
void check_every_worker_given(const ComputeSpan& compute, size_t workers, const char* who);

// When each remote worker's ready message for the model (downlink) reaches the server, by
// worker (0 for a co-located worker 0, and for all without a rendezvous): an uploading worker
// sends it behind its upload, in the same stream, so it arrives its wire time over the
// worker's path (its link, capped by the server card behind a switch) after the upload's last
// byte (`out.delivered_s`); another sends it when its computation is done, and it takes
// `lone_leg_s(worker)`, the backend's time for a lone message of rendezvous_bytes.
std::vector<double> model_ready_s(const NetworkOptions& options, int workers,
                                  const std::vector<Upload>& uploads, const ComputeSpan& compute,
                                  const TransferResult& out,
                                  const std::function<double(int)>& lone_leg_s);

// Aggregation of a co-located worker 0's upload when the server's computation is done
// (`server_s`): fills its times and returns when the server's CPU is free again.
double aggregate_local(const Upload& up, const MessageCosts& costs, double server_s,
                       size_t index, TransferResult& out);

}  // namespace sasgsim
