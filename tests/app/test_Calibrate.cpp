// The calibration fit (sim/app/Calibrate): measurements made from known settings give those
// settings back, and measurements it cannot fit are refused with a reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/app/Calibrate.h"
#include "sim/scenario/Errors.h"
#include "sim/scenario/Units.h"
#include "tests/support/TempDir.h"

namespace sasgsim {
namespace {

// Times as the model has them: latency 50 us, goodput 800 Mbit/s, receive cost 300 us (the
// round trip pays it twice), a copy of 2 us + 8 GB/s, aggregation at 4 GB/s; three repeats
// per size with +-1% noise around the median.
std::vector<Measurement> synthetic(bool with_copy) {
  const double latency = 50e-6, goodput_Bps = 100e6, receive = 300e-6;
  std::vector<Measurement> out;
  for (double noise : {1.0, 0.99, 1.01}) {
    out.push_back({"rtt", 4, (2 * latency + 2 * receive) * noise});
  }
  for (int64_t bytes : {4000, 64000, 1000000, 16000000}) {
    const double b = static_cast<double>(bytes);
    for (double noise : {1.0, 0.99, 1.01}) {
      out.push_back({"p2p", bytes, (2 * latency + receive + b / goodput_Bps) * noise});
      if (with_copy) out.push_back({"copy", bytes, (2e-6 + b / 8e9) * noise});
      out.push_back({"aggregate", bytes, (1e-6 + b / 4e9) * noise});
    }
  }
  return out;
}

TEST(Calibrate, RecoversTheSettingsTheMeasurementsWereMadeWith) {
  const Calibration c = calibrate(synthetic(true), 38);
  EXPECT_NEAR(c.latency_s, 50e-6, 1e-12);
  EXPECT_NEAR(c.goodput_bps, 800e6, 800e6 * 1e-9);
  EXPECT_NEAR(c.bandwidth_bps, 800e6 * (1448 + 52 + 38) / 1448.0, 1.0);
  EXPECT_NEAR(c.receive_per_message_s, 300e-6, 1e-9);
  EXPECT_NEAR(c.send_per_message_s, 2e-6, 1e-9);
  EXPECT_NEAR(c.send_rate_bps, 64e9, 64e9 * 1e-9);
  EXPECT_NEAR(c.aggregation_rate_bps, 32e9, 32e9 * 1e-9);
  for (const LineFit::Point& p : c.p2p.points) EXPECT_NEAR(p.fitted_s, p.median_s, 1e-12);
}

TEST(Calibrate, ProfileParsesBackToTheFittedNumbers) {
  const Calibration c = calibrate(synthetic(false), 14);
  const nlohmann::json profile = calibrated_profile(c, "m.csv");
  EXPECT_DOUBLE_EQ(parse_rate_bps(profile["bandwidth"]), c.bandwidth_bps);
  EXPECT_DOUBLE_EQ(parse_time_s(profile["latency"]), c.latency_s);
  EXPECT_EQ(profile["framing_bytes"], 14);
  EXPECT_EQ(profile["costs"]["send_rate"], "unlimited");  // no copy rows: sent in place
  EXPECT_EQ(profile["costs"]["send_per_message"], "0s");
  EXPECT_DOUBLE_EQ(parse_time_s(profile["costs"]["receive_per_message"]),
                   c.receive_per_message_s);
  EXPECT_NE(calibration_report(c).find("no copy measurements"), std::string::npos);
}

TEST(Calibrate, ARoundTripThatDoesNotFitIsReportedNotHidden) {
  // Intercept 1e-4 s, round trip 5e-5 s: a negative receive cost.
  std::vector<Measurement> m = {{"rtt", 4, 5e-5}, {"p2p", 1000, 2e-4}, {"p2p", 2000, 3e-4}};
  const Calibration c = calibrate(m, 38);
  EXPECT_EQ(c.receive_per_message_s, 0.0);
  EXPECT_DOUBLE_EQ(c.latency_s, 2.5e-5);
  EXPECT_NE(calibration_report(c).find("do not fit one latency"), std::string::npos);
}

TEST(Calibrate, RefusesWhatItCannotFit) {
  EXPECT_THROW(calibrate({{"p2p", 1000, 1e-4}, {"p2p", 2000, 2e-4}}, 38), DataError);  // no rtt
  EXPECT_THROW(calibrate({{"rtt", 4, 1e-4}, {"p2p", 1000, 1e-4}}, 38), DataError);  // one size
  EXPECT_THROW(calibrate({{"rtt", 4, 1e-4}, {"p2p", 1000, 2e-4}, {"p2p", 2000, 1e-4}}, 38),
               DataError);  // shrinking with size
}

TEST(Calibrate, ReadsTheMeasurementFileAndNamesTheBadLine) {
  const test::TempDir tmp("sasgsim_calibrate");
  const std::filesystem::path& dir = tmp.path();
  const std::string good = (dir / "good.csv").string(), bad = (dir / "bad.csv").string();
  std::ofstream(good) << "kind,bytes,repeat,seconds\r\nrtt,4,0,0.0001\r\np2p,1000,0,0.0002\n";
  std::ofstream(bad) << "kind,bytes,repeat,seconds\nrtt,4,0,0.0001\np2p,1e3x,0,0.0002\n";
  const std::vector<Measurement> m = read_measurements(good);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].kind, "p2p");
  EXPECT_EQ(m[1].bytes, 1000);
  try {
    read_measurements(bad);
    ADD_FAILURE() << "a malformed row was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sasgsim
