#include "sim/runtime/Progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace sasgsim {

std::string format_duration(double seconds) {
  // Beyond a million hours an ETA means nothing (and would not fit the integer below).
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 3.6e9) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(std::string label, bool quiet)
    : label_(std::move(label)),
      quiet_(quiet),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::update(const ProgressState& state) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  // On a terminal redraw often; in a log file, a line every 10 s is enough.
  const auto period = tty_ ? std::chrono::milliseconds(250) : std::chrono::seconds(10);
  if (now - last_print_ < period) return;
  last_print_ = now;
  print(state, false);
}

void Progress::finish(const ProgressState& state) {
  if (quiet_) return;
  print(state, true);
}

void Progress::print(const ProgressState& state, bool final_line) {
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed_s > 0 ? static_cast<double>(state.iteration) / elapsed_s : 0.0;
  const double eta_s = rate > 0 ? static_cast<double>(state.total - state.iteration) / rate : NAN;
  const std::string acc =
      state.test_acc < 0 ? std::string("  -  ") : fmt::format("{:5.2f}%", state.test_acc);
  const double pct = state.total > 0 ? 100.0 * static_cast<double>(state.iteration) /
                                           static_cast<double>(state.total)
                                     : 100.0;
  std::string line = fmt::format(
      "{}  it {}/{} ({:3.0f}%)  acc {}  rounds {}  sim comm {:.4g}s  {:.1f} it/s  {} {}",
      label_, state.iteration, state.total, pct, acc, state.rounds, state.comm_time_s, rate,
      final_line ? "took" : "ETA", format_duration(final_line ? elapsed_s : eta_s));
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace sasgsim
