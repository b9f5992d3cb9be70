#include "sim/scenario/SchemaValues.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace sasgsim {
namespace {

using nlohmann::json;

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// "> 0", "in [0, 180]": a range without the leading "a number"; "" for any number.
std::string range_words(NumberRange range) {
  const std::string text = range.describe();
  const std::string prefix = "a number ";
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : "";
}

// A kind of unit string: how messages name it, read it and write its bounds, and the physical
// range every value of the kind lies in.
struct UnitKind {
  const char* noun;     // "rate"
  const char* example;  // its usual forms
  double (*parse)(const std::string&);
  std::string (*bound)(double);
  NumberRange physical;
};

// A time bound in whole days as "1d", else canonically ("0s", "0.2s").
std::string time_bound(double seconds) {
  const double days = seconds / 86400.0;
  if (seconds > 0.0 && days == std::floor(days)) return JsonReader::format_number(days) + "d";
  return format_time(seconds);
}

const UnitKind& rate_kind() {
  static const UnitKind kind{"rate", kRateExample, &parse_rate_bps, &format_rate, rate_range()};
  return kind;
}

const UnitKind& time_kind() {
  static const UnitKind kind{"time", kTimeExample, &parse_time_s, &time_bound, time_range()};
  return kind;
}

bool same_range(NumberRange a, NumberRange b) { return a.describe() == b.describe(); }

// "[1kbps, 10Tbps]", "> 0s": `range` with its bounds in the kind's units.
std::string unit_range_text(NumberRange range, const UnitKind& kind) {
  if (range.has_lo && range.has_hi) {
    return (range.lo_open ? "(" : "[") + kind.bound(range.lo) + ", " + kind.bound(range.hi) +
           (range.hi_open ? ")" : "]");
  }
  if (range.has_lo) return (range.lo_open ? "> " : ">= ") + kind.bound(range.lo);
  if (range.has_hi) return (range.hi_open ? "< " : "<= ") + kind.bound(range.hi);
  return "";
}

// "in [1kbps, 10Tbps]", "> 0s": the words after "a rate" in messages.
std::string unit_range_words(NumberRange range, const UnitKind& kind) {
  const std::string text = unit_range_text(range, kind);
  return range.has_lo && range.has_hi ? "in " + text : text;
}

std::string unit_range_problem(const std::string& text, double x, NumberRange range,
                               const UnitKind& kind) {
  if (range.contains(x)) return "";
  const bool too_large = range.has_hi && !(range.hi_open ? x < range.hi : x <= range.hi);
  std::string fix;
  if (too_large) {
    fix = std::string("lower it to ") + (range.hi_open ? "below " : "at most ") +
          kind.bound(range.hi);
  } else {
    fix = std::string("raise it to ") + (range.lo_open ? "more than " : "at least ") +
          kind.bound(range.lo);
  }
  return std::string("expected a ") + kind.noun + " " + unit_range_words(range, kind) + ", got " +
         JsonReader::quote(text) + "; " + fix;
}

// Reads a unit string of `kind` in `range`; a message names the range only where it is not the
// kind's physical one (out-of-range values always get it).
std::optional<double> read_unit(const json& v, NumberRange range, const UnitKind& kind,
                                const std::string& path, std::vector<ScenarioIssue>& issues) {
  const std::string words = same_range(range, kind.physical) ? "" : unit_range_words(range, kind);
  const std::string expected = std::string("expected a ") + kind.noun +
                               (words.empty() ? "" : " ") + words + " like " + kind.example +
                               ", got ";
  if (!v.is_string()) {
    issues.push_back({path, expected + JsonReader::describe_value(v, true)});
    return std::nullopt;
  }
  const std::string text = v.get<std::string>();
  double x = 0.0;
  try {
    x = kind.parse(text);
  } catch (const UnitError& e) {
    issues.push_back({path, expected + JsonReader::describe_value(v) + " (" + e.what() + ")"});
    return std::nullopt;
  }
  if (std::string problem = unit_range_problem(text, x, range, kind); !problem.empty()) {
    issues.push_back({path, std::move(problem)});
    return std::nullopt;
  }
  return x;
}

json bounds(NumberRange range) {
  json j = json::object();
  if (range.has_lo) j[range.lo_open ? "exclusiveMinimum" : "minimum"] = range.lo;
  if (range.has_hi) j[range.hi_open ? "exclusiveMaximum" : "maximum"] = range.hi;
  return j;
}

}  // namespace

std::optional<bool> read_boolean(const json& v, const std::string& path,
                                 std::vector<ScenarioIssue>& issues) {
  if (v.is_boolean()) return v.get<bool>();
  issues.push_back({path, "expected true or false, got " + JsonReader::describe_value(v, true)});
  return std::nullopt;
}

std::optional<std::string> read_string(const json& v, const std::string& path,
                                       std::vector<ScenarioIssue>& issues) {
  if (v.is_string()) return v.get<std::string>();
  issues.push_back({path, "expected a string, got " + JsonReader::describe_value(v, true)});
  return std::nullopt;
}

std::optional<std::vector<double>> read_numbers(const json& v, NumberRange range,
                                                const std::string& path,
                                                std::vector<ScenarioIssue>& issues) {
  if (!v.is_array()) {
    issues.push_back({path, "expected an array of numbers (each " + range.describe() + "), got " +
                                JsonReader::describe_value(v, true)});
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::optional<double> x =
        JsonReader::as_number(v[i], range, JsonReader::index_path(path, i), issues);
    if (x) out.push_back(*x);
    ok = ok && x.has_value();
  }
  if (!ok) return std::nullopt;
  return out;
}

NumberRange rate_range() { return {kMinRateBps, kMaxRateBps, true, true, false, false}; }
NumberRange time_range() { return {0.0, kMaxTimeS, true, true, false, false}; }
NumberRange positive_time_range() { return NumberRange::open_closed(0.0, kMaxTimeS); }

std::string rate_range_text(NumberRange range) { return unit_range_text(range, rate_kind()); }
std::string time_range_text(NumberRange range) { return unit_range_text(range, time_kind()); }

std::string rate_range_problem(const std::string& text, double bps, NumberRange range) {
  return unit_range_problem(text, bps, range, rate_kind());
}

std::string time_range_problem(const std::string& text, double seconds, NumberRange range) {
  return unit_range_problem(text, seconds, range, time_kind());
}

std::optional<double> read_rate(const json& v, NumberRange range, const std::string& path,
                                std::vector<ScenarioIssue>& issues) {
  return read_unit(v, range, rate_kind(), path, issues);
}

std::optional<double> read_time(const json& v, NumberRange range, const std::string& path,
                                std::vector<ScenarioIssue>& issues) {
  return read_unit(v, range, time_kind(), path, issues);
}

bool is_utf8_json(const json& v) {
  try {
    (void)v.dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

std::string utf8_problem(const std::string& text) {
  return is_utf8_json(text) ? "" : "expected UTF-8 text, got bytes that are not UTF-8";
}

std::string safe_name_problem(const std::string& what, const std::string& value) {
  const bool safe = !value.empty() && value != "." && value != ".." &&
                    std::all_of(value.begin(), value.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                             c == '.' || c == '-';
                    });
  if (safe) return "";
  return "expected a " + what + " of letters, digits, '_', '.' and '-' only (it names a "
         "directory), got " + JsonReader::quote(value);
}

std::string integer_range_markdown(int64_t lo, int64_t hi) {
  if (hi == kMaxInt) return ">= " + std::to_string(lo);
  return std::to_string(lo) + " .. " + std::to_string(hi);
}

std::string range_markdown(NumberRange range) {
  const std::string words = range_words(range);
  return words.rfind("in ", 0) == 0 ? words.substr(3) : words;
}

std::string choices_markdown(const std::vector<std::string>& names) {
  std::vector<json> values(names.begin(), names.end());
  return markdown_values(values);
}

std::string spoken_list(const std::vector<std::string>& items, const std::string& conjunction) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += i + 1 == items.size() ? " " + conjunction + " " : ", ";
    s += items[i];
  }
  return s;
}

std::string markdown_values(const std::vector<json>& values) {
  std::string s;
  for (const json& v : values) s += (s.empty() ? "`" : ", `") + v.dump() + "`";
  return s;
}

json integer_schema(int64_t lo, int64_t hi) {
  json j = {{"type", "integer"}, {"minimum", lo}};
  if (hi != kMaxInt) j["maximum"] = hi;
  return j;
}

json number_schema(NumberRange range) {
  json j = bounds(range);
  j["type"] = "number";
  return j;
}

json rate_schema() {
  return {{"type", "string"},
          {"pattern",
           "^([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?(k|K|M|G|T|Ki|Mi|Gi|Ti)?"
           "(bps|b/s|Bps|B/s)$"}};
}

json time_schema() {
  return {{"type", "string"},
          {"pattern",
           "^([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?(s|ms|us|ns|ps|fs|min|h|d)?$"}};
}

json worker_map_schema() {
  return {{"type", "object"}, {"propertyNames", {{"pattern", kWorkerKeyPattern}}}};
}

}  // namespace sasgsim
