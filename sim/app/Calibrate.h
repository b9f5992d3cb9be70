// `sasgsim calibrate`: fits a network profile to point-to-point measurements of a real
// cluster (analysis/measure_gloo.py writes them), so that simulated uploads take what the
// measured ones took. Per kind of measurement the fit is a least-squares line through the
// median time of each size, seconds = intercept + bytes * slope:
//   p2p        one Gloo send, timed from the receive posted to its return: the ready message
//              and the data each cross the network once (2 latencies), then the receiver
//              pays its per-message cost (r). bandwidth: the line rate whose TCP goodput
//              (segments, IP and TCP headers, framing per frame) is 1 / slope.
//   rtt        a 4-byte round trip with both receives already posted: 2 latencies and a
//              receive cost on each side (2 r). So r = rtt - p2p intercept and the one-way
//              latency = p2p intercept - rtt / 2.
//   copy       (optional) the sender's device-to-host copy: send_per_message = intercept,
//              send_rate = 8 / slope. Without copy rows a CPU tensor is sent in place:
//              0 s and unlimited.
//   aggregate  (optional) the server adding a payload to its sum: aggregation_rate.
// The receiver's per-byte cost is inside the p2p slope (Gloo receives in place):
// receive_rate is unlimited.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim {

struct Measurement {
  std::string kind;  // rtt, p2p, copy, aggregate
  int64_t bytes = 0;
  double seconds = 0.0;
};

// seconds = intercept_s + bytes * slope_s_per_byte through the per-size medians.
struct LineFit {
  std::string kind;
  double intercept_s = 0.0;
  double slope_s_per_byte = 0.0;
  struct Point {
    int64_t bytes = 0;
    double median_s = 0.0;
    double fitted_s = 0.0;
    int repeats = 0;
  };
  std::vector<Point> points;  // by size
};

struct Calibration {
  LineFit rtt, p2p;
  bool has_copy = false, has_aggregate = false;
  LineFit copy, aggregate;
  int64_t framing_bytes = 38;
  int64_t segment_bytes = 1448;
  double latency_s = 0.0;
  double goodput_bps = 0.0;     // payload bits per second of one upload
  double bandwidth_bps = 0.0;   // the line rate that gives that goodput
  double receive_per_message_s = 0.0;
  double send_per_message_s = 0.0;
  double send_rate_bps = 0.0;          // 0: unlimited
  double aggregation_rate_bps = 0.0;   // 0: unlimited
  std::vector<std::string> notes;      // what the fit had to decide, for the user
};

// Reads MEASUREMENTS.csv (columns kind,bytes,repeat,seconds in any order; other columns
// ignored). Throws DataError naming the file and line of anything malformed.
std::vector<Measurement> read_measurements(const std::string& path);

// Fits the profile's numbers. Throws DataError when a needed kind is missing, has fewer than
// two sizes (rtt: one is enough), or gives a slope that is not positive.
Calibration calibrate(const std::vector<Measurement>& measurements, int64_t framing_bytes);

// The network profile (a scenario's network section, for "include" or --set network.include).
nlohmann::json calibrated_profile(const Calibration& c, const std::string& source);

// The fits with their residuals and the resulting settings, for the terminal.
std::string calibration_report(const Calibration& c);

}  // namespace sasgsim
