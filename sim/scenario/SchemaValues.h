// The value kinds of the scenario schema: checking a JSON value (recording an issue with its
// path and what was expected), and describing the kind in Markdown and in JSON Schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"
#include "sim/scenario/JsonReader.h"
#include "sim/scenario/Units.h"

namespace sasgsim {

// Checks: nullopt after recording an issue at `path` ("expected ..., got ...").
std::optional<bool> read_boolean(const nlohmann::json& v, const std::string& path,
                                 std::vector<ScenarioIssue>& issues);
std::optional<std::string> read_string(const nlohmann::json& v, const std::string& path,
                                       std::vector<ScenarioIssue>& issues);
std::optional<std::vector<double>> read_numbers(const nlohmann::json& v, NumberRange range,
                                                const std::string& path,
                                                std::vector<ScenarioIssue>& issues);
// The physical ranges of rate and time keys (Units.h), and that of times that must be > 0.
NumberRange rate_range();           // [1kbps, 10Tbps]
NumberRange time_range();           // [0s, 1d]
NumberRange positive_time_range();  // (0s, 1d]
// "[1kbps, 10Tbps]", "(0s, 1d]": a range of rates (bit/s) or times (s) written in their units.
std::string rate_range_text(NumberRange range);
std::string time_range_text(NumberRange range);
// "" when `value`, read from `text`, lies in `range`; else what was expected, what was given
// and how to fix it: "expected a rate in [1kbps, 10Tbps], got \"1e99Gbps\"; lower it to at
// most 10Tbps".
std::string rate_range_problem(const std::string& text, double bps, NumberRange range = rate_range());
std::string time_range_problem(const std::string& text, double seconds,
                               NumberRange range = time_range());

// Rate and time strings in ns-3's grammar (Units.h), in `range` (bits per second, seconds),
// which lies within the kind's physical range.
std::optional<double> read_rate(const nlohmann::json& v, NumberRange range,
                                const std::string& path, std::vector<ScenarioIssue>& issues);
std::optional<double> read_time(const nlohmann::json& v, NumberRange range,
                                const std::string& path, std::vector<ScenarioIssue>& issues);

// True when every string in `v`, keys included, is UTF-8, so that `v` can be written as JSON (the
// resolved scenario is, into manifest.json). The JSON parser lets only UTF-8 in, but --set
// values are command-line bytes.
bool is_utf8_json(const nlohmann::json& v);
// "" when `text` is UTF-8; else "expected UTF-8 text, got bytes that are not UTF-8".
std::string utf8_problem(const std::string& text);

// "" when `value` is a name of letters, digits, '_', '.' and '-' (not "." or ".."): it names a
// directory. Else "expected a <what> of ..., got ...".
std::string safe_name_problem(const std::string& what, const std::string& value);

// Markdown for the "Allowed" column: "1 .. 1024", ">= 0", "(0, 1]", "`\"a\"`, `\"b\"`".
std::string integer_range_markdown(int64_t lo, int64_t hi);
std::string range_markdown(NumberRange range);
std::string choices_markdown(const std::vector<std::string>& names);
std::string markdown_values(const std::vector<nlohmann::json>& values);

// "a", "a and b", "a, b and c" with conjunction "and" (or "or", ...).
std::string spoken_list(const std::vector<std::string>& items, const std::string& conjunction);

// JSON Schema (draft 2020-12) of the value kinds.
nlohmann::json integer_schema(int64_t lo, int64_t hi);
nlohmann::json number_schema(NumberRange range);
nlohmann::json rate_schema();   // a string matching ns-3's DataRate grammar
nlohmann::json time_schema();   // a string matching ns-3's Time grammar
nlohmann::json worker_map_schema();  // an object keyed by worker index (entries added later)
// The pattern a per-worker map's keys match: canonical decimal integers.
inline constexpr const char* kWorkerKeyPattern = "^(0|[1-9][0-9]{0,8})$";

}  // namespace sasgsim
