#include "sim/scenario/Units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace sasgsim {
namespace {

// A decimal number split into its mantissa text and its exponent, so that a power-of-ten
// unit can be folded into the exponent and strtod rounds the exact decimal value once
// ("0.1ms" gives exactly the double nearest 1e-4, not 0.1 * 1e-3).
struct DecimalNumber {
  std::string mantissa;   // digits with an optional '.'
  long long exponent10 = 0;
  std::string unit;       // everything after the number
};

DecimalNumber split_number(const std::string& text) {
  if (text.empty()) throw UnitError("empty string");
  if (text[0] == '-') throw UnitError("negative value");
  size_t i = 0;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) throw UnitError("it must start with a number");
  DecimalNumber n;
  n.mantissa = text.substr(0, i);
  // An exponent only when 'e' is followed by digits: no unit starts with 'e' or 'E'.
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    bool negative = false;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) negative = text[j++] == '-';
    size_t start = j;
    long long e = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
      // Saturate: anything this large overflows or underflows a double anyway.
      if (e < 1000000) e = e * 10 + (text[j] - '0');
      ++j;
    }
    if (j == start) throw UnitError("malformed exponent");
    n.exponent10 = negative ? -e : e;
    i = j;
  }
  n.unit = text.substr(i);
  return n;
}

// The value mantissa * 10^(exponent10 + shift10), correctly rounded.
double decimal_value(const DecimalNumber& n, int shift10) {
  const std::string s = n.mantissa + "e" + std::to_string(n.exponent10 + shift10);
  return std::strtod(s.c_str(), nullptr);
}

struct Prefix {
  const char* name;
  int decimal_exponent;  // used when binary_power == 0
  int binary_power;      // 1024^binary_power
};

constexpr Prefix kRatePrefixes[] = {
    {"", 0, 0},   {"k", 3, 0},  {"K", 3, 0},  {"M", 6, 0},  {"G", 9, 0},
    {"T", 12, 0}, {"Ki", 0, 1}, {"Mi", 0, 2}, {"Gi", 0, 3}, {"Ti", 0, 4},
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string json_quoted(const std::string& s) { return "\"" + s + "\""; }

// Shortest decimal digits d0 d1 ... with value d0.d1d2... * 10^exponent10 that read back as x.
void shortest_digits(double x, std::string& digits, int& exponent10) {
  char buf[64];
  for (int precision = 0; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  const std::string s = buf;
  const size_t e = s.find('e');
  digits.clear();
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  exponent10 = std::atoi(s.c_str() + e + 1);
}

// digits (value d0.d1d2...) scaled by 10^shift10, written without an exponent.
std::string plain_decimal(const std::string& digits, int shift10) {
  if (shift10 < 0) return "0." + std::string(static_cast<size_t>(-shift10 - 1), '0') + digits;
  const size_t integer_digits = static_cast<size_t>(shift10) + 1;
  if (digits.size() <= integer_digits) {
    return digits + std::string(integer_digits - digits.size(), '0');
  }
  return digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

}  // namespace

double parse_rate_bps(const std::string& text) {
  const DecimalNumber n = split_number(text);
  if (n.unit.empty()) throw UnitError("missing unit (bps, kbps, Mbps, Gbps, ...)");
  int bits_per_unit = 0;
  std::string prefix;
  for (const char* suffix : {"bps", "b/s", "Bps", "B/s"}) {
    if (ends_with(n.unit, suffix)) {
      bits_per_unit = suffix[0] == 'B' ? 8 : 1;
      prefix = n.unit.substr(0, n.unit.size() - 3);
      break;
    }
  }
  const Prefix* found = nullptr;
  if (bits_per_unit != 0) {
    for (const Prefix& p : kRatePrefixes) {
      if (prefix == p.name) found = &p;
    }
  }
  if (found == nullptr) throw UnitError("unknown unit " + json_quoted(n.unit));
  double value = decimal_value(n, found->decimal_exponent);
  for (int i = 0; i < found->binary_power; ++i) value *= 1024.0;
  value *= bits_per_unit;
  if (!std::isfinite(value)) throw UnitError("too large");
  if (value <= 0.0) throw UnitError("a rate must be positive");
  return value;
}

double parse_time_s(const std::string& text) {
  const DecimalNumber n = split_number(text);
  struct TimeUnit {
    const char* name;
    int decimal_exponent;
    double seconds_per_unit;  // for the non-decimal units
  };
  static constexpr TimeUnit kUnits[] = {
      {"", 0, 1.0},    {"s", 0, 1.0},       {"ms", -3, 1.0},  {"us", -6, 1.0},
      {"ns", -9, 1.0}, {"ps", -12, 1.0},    {"fs", -15, 1.0}, {"min", 0, 60.0},
      {"h", 0, 3600.0}, {"d", 0, 86400.0},
  };
  for (const TimeUnit& u : kUnits) {
    if (n.unit != u.name) continue;
    const double value = decimal_value(n, u.decimal_exponent) * u.seconds_per_unit;
    if (!std::isfinite(value)) throw UnitError("too large");
    return value;
  }
  throw UnitError("unknown unit " + json_quoted(n.unit) + " (use s, ms, us, ns, ps, fs, min, h or d)");
}

std::string format_rate(double bps) {
  if (!std::isfinite(bps) || bps <= 0.0) {
    throw std::invalid_argument("format_rate: not a positive finite rate");
  }
  std::string digits;
  int exponent10 = 0;
  shortest_digits(bps, digits, exponent10);
  static constexpr std::pair<int, const char*> kPrefixes[] = {
      {12, "T"}, {9, "G"}, {6, "M"}, {3, "k"}, {0, ""}};
  for (const auto& [exponent, name] : kPrefixes) {
    if (exponent10 >= exponent || exponent == 0) {
      return plain_decimal(digits, exponent10 - exponent) + name + "bps";
    }
  }
  return {};  // unreachable: the last prefix always matches
}

std::string format_time(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) {
    throw std::invalid_argument("format_time: not a non-negative finite time");
  }
  if (seconds == 0.0) return "0s";
  std::string digits;
  int exponent10 = 0;
  shortest_digits(seconds, digits, exponent10);
  static constexpr std::pair<int, const char*> kUnits[] = {
      {0, "s"}, {-3, "ms"}, {-6, "us"}, {-9, "ns"}, {-12, "ps"}, {-15, "fs"}};
  for (const auto& [exponent, name] : kUnits) {
    // Keep the number >= 0.1: "0.1ms" rather than "100us", "50us" rather than "0.05ms".
    if (exponent10 - exponent >= -1 || exponent == -15) {
      return plain_decimal(digits, exponent10 - exponent) + name;
    }
  }
  return {};  // unreachable: the last unit always matches
}

}  // namespace sasgsim
