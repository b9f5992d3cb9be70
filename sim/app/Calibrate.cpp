#include "sim/app/Calibrate.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "sim/metrics/ResultSchema.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Units.h"

namespace sasgsim {
namespace {

// IPv4 (20) and TCP with timestamps (32) per segment, as ns-3 sends them.
constexpr int64_t kIpTcpHeaderBytes = 52;

size_t column_of(const std::vector<std::string>& header, const std::string& name,
                 const std::string& path) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) {
    throw DataError(fmt::format("{}: no \"{}\" column (expected kind,bytes,repeat,seconds, as "
                                "analysis/measure_gloo.py writes)",
                                path, name));
  }
  return static_cast<size_t>(it - header.begin());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Least squares through the per-size medians, each weighted by 1 / median^2: the line's
// relative error is what is minimised, so small messages count as much as large ones.
LineFit fit_line(const std::string& kind, const std::vector<Measurement>& all) {
  std::map<int64_t, std::vector<double>> by_size;
  for (const Measurement& m : all) {
    if (m.kind == kind) by_size[m.bytes].push_back(m.seconds);
  }
  LineFit fit;
  fit.kind = kind;
  for (const auto& [bytes, times] : by_size) {
    fit.points.push_back({bytes, median(times), 0.0, static_cast<int>(times.size())});
  }
  if (fit.points.size() == 1) {
    fit.intercept_s = fit.points[0].median_s;
  } else if (fit.points.size() > 1) {
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const LineFit::Point& p : fit.points) {
      const double w = 1.0 / (p.median_s * p.median_s);
      const double x = static_cast<double>(p.bytes);
      sw += w;
      sx += w * x;
      sy += w * p.median_s;
      sxx += w * x * x;
      sxy += w * x * p.median_s;
    }
    fit.slope_s_per_byte = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    fit.intercept_s = (sy - fit.slope_s_per_byte * sx) / sw;
  }
  for (LineFit::Point& p : fit.points) {
    p.fitted_s = fit.intercept_s + fit.slope_s_per_byte * static_cast<double>(p.bytes);
  }
  return fit;
}

LineFit fit_with_slope(const std::string& kind, const std::vector<Measurement>& all) {
  LineFit fit = fit_line(kind, all);
  if (fit.points.size() < 2) {
    throw DataError(fmt::format("calibrate: \"{}\" measurements need at least two sizes (have "
                                "{}); measure a range of sizes, e.g. --sizes 4KB,64KB,1MB,16MB",
                                kind, fit.points.size()));
  }
  if (!(fit.slope_s_per_byte > 0)) {
    throw DataError(fmt::format("calibrate: \"{}\" times do not grow with size (slope {:.3g} "
                                "s/byte): the measurements are dominated by noise; measure "
                                "larger sizes or more repeats",
                                kind, fit.slope_s_per_byte));
  }
  return fit;
}

Measurement parse_row(const std::vector<std::string>& cells, size_t kind, size_t bytes,
                      size_t seconds, const std::string& where) {
  Measurement m;
  const size_t needed = std::max({kind, bytes, seconds});
  if (cells.size() <= needed) throw DataError(where + ": too few columns");
  m.kind = cells[kind];
  try {
    size_t used = 0;
    m.bytes = std::stoll(cells[bytes], &used);
    if (used != cells[bytes].size()) throw std::invalid_argument("trailing characters");
    m.seconds = std::stod(cells[seconds], &used);
    if (used != cells[seconds].size()) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw DataError(where + ": bytes must be an integer and seconds a number");
  }
  if (m.bytes < 0 || !(m.seconds > 0) || !std::isfinite(m.seconds)) {
    throw DataError(where + ": bytes must be >= 0 and seconds a positive, finite number");
  }
  if (m.kind != "rtt" && m.kind != "p2p" && m.kind != "copy" && m.kind != "aggregate") {
    throw DataError(fmt::format("{}: unknown kind \"{}\" (rtt, p2p, copy or aggregate)", where,
                                m.kind));
  }
  return m;
}

std::string rate_or_unlimited(double bps) { return bps > 0 ? format_rate(bps) : "unlimited"; }

std::string fit_table(const LineFit& fit) {
  std::string out = fmt::format("{} fit: {:.6g} s + bytes x {:.6g} s/byte\n", fit.kind,
                                fit.intercept_s, fit.slope_s_per_byte);
  out += fmt::format("  {:>12} {:>8} {:>13} {:>13} {:>9}\n", "bytes", "repeats", "median_s",
                     "fitted_s", "residual");
  for (const LineFit::Point& p : fit.points) {
    out += fmt::format("  {:>12} {:>8} {:>13.6g} {:>13.6g} {:>+8.2f}%\n", p.bytes, p.repeats,
                       p.median_s, p.fitted_s, 100.0 * (p.fitted_s - p.median_s) / p.median_s);
  }
  return out;
}

}  // namespace

std::vector<Measurement> read_measurements(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot read the measurements file");
  std::string line;
  if (!std::getline(in, line)) throw DataError(path + ": empty file (expected a CSV header)");
  const std::vector<std::string> header = results::csv_cells(line);
  const size_t kind = column_of(header, "kind", path);
  const size_t bytes = column_of(header, "bytes", path);
  const size_t seconds = column_of(header, "seconds", path);
  std::vector<Measurement> out;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    out.push_back(parse_row(results::csv_cells(line), kind, bytes, seconds,
                            fmt::format("{}:{}", path, number)));
  }
  if (out.empty()) throw DataError(path + ": no measurements");
  return out;
}

Calibration calibrate(const std::vector<Measurement>& measurements, int64_t framing_bytes) {
  Calibration c;
  c.framing_bytes = framing_bytes;
  c.rtt = fit_line("rtt", measurements);
  if (c.rtt.points.empty()) {
    throw DataError("calibrate: no \"rtt\" measurements (the latency comes from them)");
  }
  const double rtt_s = c.rtt.points.front().median_s;
  c.p2p = fit_with_slope("p2p", measurements);
  c.goodput_bps = 8.0 / c.p2p.slope_s_per_byte;
  const double frame = static_cast<double>(c.segment_bytes + kIpTcpHeaderBytes + framing_bytes);
  c.bandwidth_bps = c.goodput_bps * frame / static_cast<double>(c.segment_bytes);
  c.receive_per_message_s = rtt_s - c.p2p.intercept_s;
  c.latency_s = c.p2p.intercept_s - 0.5 * rtt_s;
  if (c.receive_per_message_s < 0 || c.latency_s < 0) {
    c.notes.push_back(fmt::format(
        "the round trip ({:.3g} s) is not between the p2p intercept ({:.3g} s) and twice it: "
        "the two do not fit one latency and one receive cost; receive_per_message is set to "
        "0 s and the latency to half the round trip (measure more repeats on a quieter machine)",
        rtt_s, c.p2p.intercept_s));
    c.receive_per_message_s = 0.0;
    c.latency_s = 0.5 * rtt_s;
  }
  const auto has = [&](const char* kind) {
    return std::any_of(measurements.begin(), measurements.end(),
                       [&](const Measurement& m) { return m.kind == kind; });
  };
  if ((c.has_copy = has("copy"))) {
    c.copy = fit_with_slope("copy", measurements);
    c.send_per_message_s = std::max(0.0, c.copy.intercept_s);
    c.send_rate_bps = 8.0 / c.copy.slope_s_per_byte;
  } else {
    c.notes.push_back("no copy measurements (CPU tensors are sent in place): send costs 0 s, "
                      "send_rate unlimited");
  }
  if ((c.has_aggregate = has("aggregate"))) {
    c.aggregate = fit_with_slope("aggregate", measurements);
    c.aggregation_rate_bps = 8.0 / c.aggregate.slope_s_per_byte;
  } else {
    c.notes.push_back("no aggregate measurements: aggregation_rate unlimited");
  }
  return c;
}

nlohmann::json calibrated_profile(const Calibration& c, const std::string& source) {
  return {
      {"description",
       fmt::format("Calibrated by `sasgsim calibrate {}`: effective bandwidth {:.4g} Mbit/s of "
                   "goodput as a {}-byte-framed line rate; latency and per-message costs from the "
                   "round trip and the intercepts, per-byte costs from the slopes of the fits.",
                   source, c.goodput_bps / 1e6, c.framing_bytes)},
      {"bandwidth", format_rate(c.bandwidth_bps)},
      {"latency", format_time(c.latency_s)},
      {"framing_bytes", c.framing_bytes},
      {"costs",
       {{"send_per_message", format_time(c.send_per_message_s)},
        {"send_rate", rate_or_unlimited(c.send_rate_bps)},
        {"receive_per_message", format_time(c.receive_per_message_s)},
        {"receive_rate", "unlimited"},
        {"aggregation_rate", rate_or_unlimited(c.aggregation_rate_bps)}}}};
}

std::string calibration_report(const Calibration& c) {
  std::string out = fit_table(c.rtt) + fit_table(c.p2p);
  if (c.has_copy) out += fit_table(c.copy);
  if (c.has_aggregate) out += fit_table(c.aggregate);
  out += fmt::format(
      "latency {} (one way), goodput {:.4g} Mbit/s -> bandwidth {} ({}-byte segments, {} bytes "
      "of IP/TCP headers and {} of framing per frame)\n",
      format_time(c.latency_s), c.goodput_bps / 1e6, format_rate(c.bandwidth_bps),
      c.segment_bytes, kIpTcpHeaderBytes, c.framing_bytes);
  out += fmt::format("receive_per_message {}, send_per_message {}, send_rate {}, "
                     "aggregation_rate {}\n",
                     format_time(c.receive_per_message_s), format_time(c.send_per_message_s),
                     rate_or_unlimited(c.send_rate_bps), rate_or_unlimited(c.aggregation_rate_bps));
  for (const std::string& note : c.notes) out += "note: " + note + "\n";
  return out;
}

}  // namespace sasgsim
