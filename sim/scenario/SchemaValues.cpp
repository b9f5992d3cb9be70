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

// Reads a unit string with `parse`; `noun` is "rate" or "time", `example` its usual forms, and
// `default_range` the range every value of the kind has, which messages do not repeat.
std::optional<double> read_unit(const json& v, NumberRange range, NumberRange default_range,
                                const char* noun, const char* example,
                                double (*parse)(const std::string&), const std::string& path,
                                std::vector<ScenarioIssue>& issues) {
  const std::string words = range.describe() == default_range.describe() ? "" : range_words(range);
  const std::string expected = std::string("expected a ") + noun + (words.empty() ? "" : " ") +
                               words + " like " + example + ", got ";
  if (!v.is_string()) {
    issues.push_back({path, expected + JsonReader::describe_value(v, true)});
    return std::nullopt;
  }
  double x = 0.0;
  try {
    x = parse(v.get<std::string>());
  } catch (const UnitError& e) {
    issues.push_back({path, expected + JsonReader::describe_value(v) + " (" + e.what() + ")"});
    return std::nullopt;
  }
  if (!range.contains(x)) {
    issues.push_back({path, expected + JsonReader::describe_value(v)});
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

std::optional<double> read_rate(const json& v, NumberRange range, const std::string& path,
                                std::vector<ScenarioIssue>& issues) {
  return read_unit(v, range, NumberRange::positive(), "rate", kRateExample, &parse_rate_bps, path,
                   issues);
}

std::optional<double> read_time(const json& v, NumberRange range, const std::string& path,
                                std::vector<ScenarioIssue>& issues) {
  return read_unit(v, range, NumberRange::non_negative(), "time", kTimeExample, &parse_time_s,
                   path, issues);
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
