#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "sim/scenario/Units.h"

namespace sasgsim {
namespace {

TEST(Units, RatesInEveryNs3Form) {
  EXPECT_EQ(parse_rate_bps("1Gbps"), 1e9);
  EXPECT_EQ(parse_rate_bps("100Mbps"), 1e8);
  EXPECT_EQ(parse_rate_bps("10kbps"), 1e4);
  EXPECT_EQ(parse_rate_bps("10Kbps"), 1e4);
  EXPECT_EQ(parse_rate_bps("1Tbps"), 1e12);
  EXPECT_EQ(parse_rate_bps("800bps"), 800.0);
  EXPECT_EQ(parse_rate_bps("1.5Gb/s"), 1.5e9);
  EXPECT_EQ(parse_rate_bps("5b/s"), 5.0);
  EXPECT_EQ(parse_rate_bps("10MBps"), 8e7);
  EXPECT_EQ(parse_rate_bps("10MB/s"), 8e7);
  EXPECT_EQ(parse_rate_bps("2Bps"), 16.0);
  EXPECT_EQ(parse_rate_bps("1KiBps"), 8192.0);
  EXPECT_EQ(parse_rate_bps("1Kibps"), 1024.0);
  EXPECT_EQ(parse_rate_bps("1Mib/s"), 1048576.0);
  EXPECT_EQ(parse_rate_bps("1Gibps"), 1073741824.0);
  EXPECT_EQ(parse_rate_bps("1Tibps"), 1099511627776.0);
  EXPECT_EQ(parse_rate_bps("2.5e3Mbps"), 2.5e9);
  EXPECT_EQ(parse_rate_bps("1E9bps"), 1e9);
  EXPECT_EQ(parse_rate_bps("0.5Gbps"), 5e8);
  EXPECT_EQ(parse_rate_bps(".5Gbps"), 5e8);
  EXPECT_EQ(parse_rate_bps("5.Gbps"), 5e9);
}

TEST(Units, TimesInEveryNs3Form) {
  EXPECT_EQ(parse_time_s("0.1ms"), 1e-4);  // exactly the double nearest 1e-4
  EXPECT_EQ(parse_time_s("5us"), 5e-6);
  EXPECT_EQ(parse_time_s("2s"), 2.0);
  EXPECT_EQ(parse_time_s("2"), 2.0);
  EXPECT_EQ(parse_time_s("0.25"), 0.25);
  EXPECT_EQ(parse_time_s("1e-3"), 1e-3);
  EXPECT_EQ(parse_time_s("3ns"), 3e-9);
  EXPECT_EQ(parse_time_s("7ps"), 7e-12);
  EXPECT_EQ(parse_time_s("9fs"), 9e-15);
  EXPECT_EQ(parse_time_s("2min"), 120.0);
  EXPECT_EQ(parse_time_s("1.5h"), 5400.0);
  EXPECT_EQ(parse_time_s("1d"), 86400.0);
  EXPECT_EQ(parse_time_s("0s"), 0.0);
  EXPECT_EQ(parse_time_s("0"), 0.0);
}

void expect_rejected_rate(const std::string& text, const std::string& why) {
  try {
    parse_rate_bps(text);
    ADD_FAILURE() << "accepted \"" << text << "\"";
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << text << ": " << e.what();
  }
}

void expect_rejected_time(const std::string& text, const std::string& why) {
  try {
    parse_time_s(text);
    ADD_FAILURE() << "accepted \"" << text << "\"";
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << text << ": " << e.what();
  }
}

TEST(Units, RejectsMalformedRates) {
  expect_rejected_rate("", "empty");
  expect_rejected_rate("fast", "must start with a number");
  expect_rejected_rate("Gbps", "must start with a number");
  expect_rejected_rate("-1Gbps", "negative");
  expect_rejected_rate("+1Gbps", "must start with a number");
  expect_rejected_rate("100", "missing unit");
  expect_rejected_rate("1Gbit", "unknown unit \"Gbit\"");
  expect_rejected_rate("1gbps", "unknown unit \"gbps\"");  // ns-3 prefixes are case-sensitive
  expect_rejected_rate("1 Gbps", "unknown unit \" Gbps\"");
  expect_rejected_rate("1Gbps ", "unknown unit");
  expect_rejected_rate("1Xbps", "unknown unit \"Xbps\"");
  expect_rejected_rate("1kibps", "unknown unit");
  expect_rejected_rate("1e", "malformed exponent");
  expect_rejected_rate("1e+Gbps", "malformed exponent");
  expect_rejected_rate("0Gbps", "must be positive");
  expect_rejected_rate("1e400Gbps", "too large");
  expect_rejected_rate("inf", "must start with a number");
  expect_rejected_rate("nanGbps", "must start with a number");
}

TEST(Units, RejectsMalformedTimes) {
  expect_rejected_time("", "empty");
  expect_rejected_time("soon", "must start with a number");
  expect_rejected_time("-1ms", "negative");
  expect_rejected_time("1sec", "unknown unit \"sec\"");
  expect_rejected_time("1m", "unknown unit \"m\"");
  expect_rejected_time("1 ms", "unknown unit");
  expect_rejected_time("1e999s", "too large");
  expect_rejected_time(".ms", "must start with a number");
}

TEST(Units, FormatsCanonically) {
  EXPECT_EQ(format_rate(1e9), "1Gbps");
  EXPECT_EQ(format_rate(1e8), "100Mbps");
  EXPECT_EQ(format_rate(1.5e9), "1.5Gbps");
  EXPECT_EQ(format_rate(1e4), "10kbps");
  EXPECT_EQ(format_rate(800.0), "800bps");
  EXPECT_EQ(format_rate(0.5), "0.5bps");
  EXPECT_EQ(format_rate(2.5e13), "25Tbps");
  EXPECT_EQ(format_rate(1024.0), "1.024kbps");
  EXPECT_EQ(format_time(1e-4), "0.1ms");
  EXPECT_EQ(format_time(5e-6), "5us");
  EXPECT_EQ(format_time(5e-5), "50us");
  EXPECT_EQ(format_time(2.0), "2s");
  EXPECT_EQ(format_time(0.25), "0.25s");
  EXPECT_EQ(format_time(0.05), "50ms");
  EXPECT_EQ(format_time(120.0), "120s");
  EXPECT_EQ(format_time(0.0), "0s");
  EXPECT_EQ(format_time(1e-3), "1ms");
  EXPECT_EQ(format_time(1e-16), "0.1fs");
  EXPECT_EQ(format_time(1e-18), "0.001fs");
  EXPECT_THROW(format_rate(0.0), std::invalid_argument);
  EXPECT_THROW(format_rate(-1.0), std::invalid_argument);
  EXPECT_THROW(format_rate(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(format_time(-1.0), std::invalid_argument);
  EXPECT_THROW(format_time(std::nan("")), std::invalid_argument);
}

TEST(Units, FormattedValuesParseBackExactly) {
  for (double bps : {1e9, 1e8, 1.5e9, 123456789.0, 1073741824.0, 8192.0, 0.1, 3.3e9,
                     1e20, 12.345678901234567, 4.9e-300}) {
    EXPECT_EQ(parse_rate_bps(format_rate(bps)), bps) << format_rate(bps);
  }
  for (double s : {1e-4, 0.1, 1.0 / 3.0, 5e-6, 123.456, 86400.0, 2.2250738585072014e-308,
                   1e-300, 1e15, 0.30000000000000004}) {
    EXPECT_EQ(parse_time_s(format_time(s)), s) << format_time(s);
  }
  // Whatever a user writes, the canonical form parses to the same value.
  for (const char* text : {"1.5Gb/s", "10MBps", "1KiBps", "7e5kbps"}) {
    const double bps = parse_rate_bps(text);
    EXPECT_EQ(parse_rate_bps(format_rate(bps)), bps) << text;
  }
  for (const char* text : {"0.1ms", "2min", "1.5h", "33us", "1e-7"}) {
    const double s = parse_time_s(text);
    EXPECT_EQ(parse_time_s(format_time(s)), s) << text;
  }
}

}  // namespace
}  // namespace sasgsim
