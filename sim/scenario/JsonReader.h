// Reads typed, range-checked values out of one JSON object of a scenario. Every problem is
// recorded with its JSON path instead of stopping at the first one, and finish() reports the
// keys nobody asked for as unknown, suggesting the closest known key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Errors.h"

namespace sasgsim {

// An interval of allowed numbers, with its wording for messages ("a number in (0, 1]").
struct NumberRange {
  double lo = 0.0;
  double hi = 0.0;
  bool has_lo = false;
  bool has_hi = false;
  bool lo_open = false;
  bool hi_open = false;

  static NumberRange any() { return {}; }
  static NumberRange positive() { return {0.0, 0.0, true, false, true, false}; }
  static NumberRange non_negative() { return {0.0, 0.0, true, false, false, false}; }
  // (lo, hi]
  static NumberRange open_closed(double lo, double hi) { return {lo, hi, true, true, true, false}; }

  bool contains(double v) const;
  std::string describe() const;  // "a number > 0"
};

class JsonReader {
 public:
  // `value` must outlive the reader. When it is not an object, that is recorded as an issue
  // at `path` and the reader behaves as if it were empty.
  JsonReader(const nlohmann::json& value, std::string path, std::vector<ScenarioIssue>& issues);

  const std::string& path() const { return path_; }
  // Path of a key of this object: ".network" + "bandwidth" -> ".network.bandwidth".
  std::string path_of(const std::string& key) const { return child_path(path_, key); }
  static std::string child_path(const std::string& parent, const std::string& key);
  static std::string index_path(const std::string& parent, size_t index);

  // The value of `key`, or nullptr when absent. Every lookup marks the key as known.
  const nlohmann::json* find(const std::string& key);
  bool has(const std::string& key) { return find(key) != nullptr; }

  // Typed getters: nullopt when the key is absent or its value is invalid (then recorded).
  std::optional<std::string> string(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::optional<int64_t> integer(const std::string& key, int64_t lo, int64_t hi);
  std::optional<double> number(const std::string& key, NumberRange range);
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed);
  // An array of numbers in `range` (each element's issue carries its index).
  std::optional<std::vector<double>> numbers(const std::string& key, NumberRange range);

  // Records a problem at this object's key `key` (or at the object itself when key is empty).
  void add_issue(const std::string& key, const std::string& message);
  void missing(const std::string& key, const std::string& what);

  // True when the object has a key that no lookup asked for (finish() would report it).
  bool has_unknown_keys() const;
  // Reports every key of the object that no lookup asked for, with the closest known key as a
  // suggestion. `hints` maps keys that mean something elsewhere (a key of another section, the
  // paper's symbol for a key) to the advice given instead ("it belongs in \"data\"").
  void finish(const std::map<std::string, std::string>& hints = {});

  // Value checks usable on any JSON value, recording at `path`.
  static std::optional<int64_t> as_integer(const nlohmann::json& v, int64_t lo, int64_t hi,
                                           const std::string& path,
                                           std::vector<ScenarioIssue>& issues);
  static std::optional<double> as_number(const nlohmann::json& v, NumberRange range,
                                         const std::string& path,
                                         std::vector<ScenarioIssue>& issues);
  static std::optional<std::string> as_choice(const nlohmann::json& v,
                                              const std::vector<std::string>& allowed,
                                              const std::string& path,
                                              std::vector<ScenarioIssue>& issues);

  // `s` as a JSON string literal for messages; bytes that are not UTF-8 (command-line values
  // may hold them) are replaced rather than thrown on.
  static std::string quote(const std::string& s);
  // `"fast"`, `2.5`, `an object with 3 keys`: a found value as messages quote it; with_type
  // appends what kind of JSON value it is ("\"4\" (a string)").
  static std::string describe_value(const nlohmann::json& v, bool with_type = false);
  // A number as messages write it: 1, 0.5, 1e-05.
  static std::string format_number(double v);
  // The candidate closest to `word` when it is close enough to be a likely typo, else "".
  static std::string closest(const std::string& word, const std::vector<std::string>& candidates);

 private:
  const nlohmann::json* object_;  // nullptr when the value was not an object
  std::string path_;
  std::vector<ScenarioIssue>& issues_;
  std::set<std::string> known_;
  std::vector<std::string> known_in_order_;
};

}  // namespace sasgsim
