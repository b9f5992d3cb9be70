// Rate and time strings in ns-3's grammar ("1Gbps", "100Mbps", "1.5Gb/s", "0.1ms", "5us"),
// parsed into raw numbers (bits per second, seconds) and formatted back canonically.
#pragma once

#include <stdexcept>
#include <string>

namespace sasgsim {

// A malformed rate or time string; what() says why in a few words ("unknown unit \"x\"").
// The scenario parser adds the JSON path and an example of the expected form.
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Examples used in error messages, so every message shows the same expected forms.
inline constexpr const char* kRateExample = "\"1Gbps\" or \"100Mbps\"";
inline constexpr const char* kTimeExample = "\"0.1ms\" or \"5us\"";

// The physical ranges every rate and time of a scenario lies in: wide enough for any link,
// host or accelerator sasgsim models, narrow enough that each value, and the sums of them a
// simulation forms, fit ns-3's integer bits per second and 64-bit nanoseconds.
inline constexpr double kMinRateBps = 1e3;    // 1 kbps
inline constexpr double kMaxRateBps = 1e13;   // 10 Tbps
inline constexpr double kMaxTimeS = 86400.0;  // 1 day

// Parses an ns-3 DataRate string: a non-negative decimal number (optional fraction and
// exponent, no sign, no spaces) and a unit: bps, b/s (bits) or Bps, B/s (bytes, x8), with an
// optional SI prefix k/K (1e3), M (1e6), G (1e9), T (1e12) or binary prefix Ki, Mi, Gi, Ti
// (1024^n). Returns bits per second; throws UnitError for anything else, and for rates that
// are zero, negative or not finite.
double parse_rate_bps(const std::string& text);

// Parses an ns-3 Time string: a non-negative decimal number and a unit s, ms, us, ns, ps, fs,
// min, h or d; a bare number means seconds. Returns seconds; throws UnitError otherwise.
double parse_time_s(const std::string& text);

// Canonical strings that parse back to exactly the same double: the largest SI prefix that
// keeps the number >= 1 for rates ("1Gbps", "100Mbps", "1.5kbps", "800bps"), and the largest
// unit among s, ms, us, ns, ps, fs that keeps it >= 0.1 for times ("0.1ms", "5us", "2s", "0s").
// Throw std::invalid_argument for negative or non-finite values (and zero rates).
std::string format_rate(double bps);
std::string format_time(double seconds);

}  // namespace sasgsim
