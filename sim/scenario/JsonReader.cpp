#include "sim/scenario/JsonReader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

namespace sasgsim {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Edits (insert, delete, substitute, swap two neighbours) between a and b: a swap counts as
// one edit, so "mnsit" is as close to "mnist" as "mnis" is.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool is_plain_key(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string integer_range_text(int64_t lo, int64_t hi) {
  if (hi == std::numeric_limits<int64_t>::max()) return "an integer >= " + std::to_string(lo);
  return "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
}

}  // namespace

std::string JsonReader::quote(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string JsonReader::format_number(double v) {
  // 1 rather than JSON's 1.0; anything else as JSON writes it (shortest round trip).
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return json(v).dump();
}

bool NumberRange::contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (has_lo && (lo_open ? !(v > lo) : !(v >= lo))) return false;
  if (has_hi && (hi_open ? !(v < hi) : !(v <= hi))) return false;
  return true;
}

std::string NumberRange::describe() const {
  if (has_lo && has_hi) {
    return "a number in " + std::string(lo_open ? "(" : "[") + JsonReader::format_number(lo) + ", " +
           JsonReader::format_number(hi) + (hi_open ? ")" : "]");
  }
  if (has_lo) return std::string("a number ") + (lo_open ? "> " : ">= ") + JsonReader::format_number(lo);
  if (has_hi) return std::string("a number ") + (hi_open ? "< " : "<= ") + JsonReader::format_number(hi);
  return "a number";
}

JsonReader::JsonReader(const json& value, std::string path, std::vector<ScenarioIssue>& issues)
    : object_(value.is_object() ? &value : nullptr), path_(std::move(path)), issues_(issues) {
  if (object_ == nullptr) {
    issues_.push_back({path_, "expected an object {...}, got " + describe_value(value, true)});
  }
}

std::string JsonReader::child_path(const std::string& parent, const std::string& key) {
  // Keys that are not plain words are written the way a JSON pointer-minded reader expects.
  return is_plain_key(key) ? parent + "." + key : parent + "[" + quote(key) + "]";
}

std::string JsonReader::index_path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const json* JsonReader::find(const std::string& key) {
  if (known_.insert(key).second) known_in_order_.push_back(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

void JsonReader::add_issue(const std::string& key, const std::string& message) {
  issues_.push_back({key.empty() ? path_ : path_of(key), message});
}

void JsonReader::missing(const std::string& key, const std::string& what) {
  add_issue(key, "missing required key: expected " + what);
}

std::optional<std::string> JsonReader::string(const std::string& key) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    add_issue(key, "expected a string, got " + describe_value(*v, true));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> JsonReader::boolean(const std::string& key) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    add_issue(key, "expected true or false, got " + describe_value(*v, true));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> JsonReader::integer(const std::string& key, int64_t lo, int64_t hi) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  return as_integer(*v, lo, hi, path_of(key), issues_);
}

std::optional<double> JsonReader::number(const std::string& key, NumberRange range) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  return as_number(*v, range, path_of(key), issues_);
}

std::optional<std::string> JsonReader::choice(const std::string& key,
                                              const std::vector<std::string>& allowed) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  return as_choice(*v, allowed, path_of(key), issues_);
}

std::optional<std::vector<double>> JsonReader::numbers(const std::string& key, NumberRange range) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    add_issue(key, "expected an array of numbers (each " + range.describe() + "), got " +
                       describe_value(*v, true));
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (size_t i = 0; i < v->size(); ++i) {
    std::optional<double> x = as_number((*v)[i], range, index_path(path_of(key), i), issues_);
    if (x) {
      out.push_back(*x);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<int64_t> JsonReader::as_integer(const json& v, int64_t lo, int64_t hi,
                                              const std::string& path,
                                              std::vector<ScenarioIssue>& issues) {
  const std::string expected = "expected " + integer_range_text(lo, hi) + ", got ";
  std::optional<int64_t> value;
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      value = static_cast<int64_t>(v.get<uint64_t>());
    }
  } else if (v.is_number_integer()) {
    value = v.get<int64_t>();
  } else if (v.is_number_float()) {
    // Integral floats (1e4, 10.0) are accepted: they are written that way for readability.
    const double d = v.get<double>();
    if (d == std::floor(d) && std::fabs(d) < 9.2e18) value = static_cast<int64_t>(d);
  } else {
    issues.push_back({path, expected + describe_value(v, true)});
    return std::nullopt;
  }
  if (!value || *value < lo || *value > hi) {
    issues.push_back({path, expected + describe_value(v)});
    return std::nullopt;
  }
  return value;
}

std::optional<double> JsonReader::as_number(const json& v, NumberRange range,
                                            const std::string& path,
                                            std::vector<ScenarioIssue>& issues) {
  if (!v.is_number()) {
    issues.push_back({path, "expected " + range.describe() + ", got " + describe_value(v, true)});
    return std::nullopt;
  }
  const double d = v.get<double>();
  if (!range.contains(d)) {
    issues.push_back({path, "expected " + range.describe() + ", got " + describe_value(v)});
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> JsonReader::as_choice(const json& v,
                                                 const std::vector<std::string>& allowed,
                                                 const std::string& path,
                                                 std::vector<ScenarioIssue>& issues) {
  std::string expected = "expected one of ";
  for (size_t i = 0; i < allowed.size(); ++i) expected += (i ? ", " : "") + quote(allowed[i]);
  if (!v.is_string()) {
    issues.push_back({path, expected + ", got " + describe_value(v, true)});
    return std::nullopt;
  }
  const std::string s = v.get<std::string>();
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string message = expected + ", got " + describe_value(v);
  const std::string suggestion = closest(s, allowed);
  if (!suggestion.empty()) message += "; did you mean " + quote(suggestion) + "?";
  issues.push_back({path, message});
  return std::nullopt;
}

bool JsonReader::has_unknown_keys() const {
  if (object_ == nullptr) return false;
  for (const auto& item : object_->items()) {
    if (!known_.count(item.key())) return true;
  }
  return false;
}

void JsonReader::finish(const std::map<std::string, std::string>& hints) {
  if (object_ == nullptr) return;
  for (const auto& item : object_->items()) {
    if (known_.count(item.key())) continue;
    std::string message = "unknown key " + quote(item.key());
    auto hint = hints.find(item.key());
    const std::string suggestion = closest(item.key(), known_in_order_);
    if (hint != hints.end()) {
      message += "; " + hint->second;
    } else if (!suggestion.empty()) {
      message += "; did you mean " + quote(suggestion) + "?";
    } else {
      message += " (known keys here: ";
      for (size_t i = 0; i < known_in_order_.size(); ++i) {
        message += (i ? ", " : "") + known_in_order_[i];
      }
      message += ")";
    }
    issues_.push_back({path_of(item.key()), message});
  }
}

std::string JsonReader::describe_value(const json& v, bool with_type) {
  constexpr size_t kMaxChars = 48;
  std::string text;
  std::string type;
  switch (v.type()) {
    case json::value_t::string:
      text = quote(v.get<std::string>());
      if (text.size() > kMaxChars) text = text.substr(0, kMaxChars - 4) + "...\"";
      type = "a string";
      break;
    case json::value_t::boolean:
      text = v.dump(-1, ' ', false, json::error_handler_t::replace);
      type = "a boolean";
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      text = v.dump(-1, ' ', false, json::error_handler_t::replace);
      type = "a number";
      break;
    case json::value_t::array:
      text = v.dump(-1, ' ', false, json::error_handler_t::replace);
      if (text.size() > kMaxChars) text = "an array of " + std::to_string(v.size()) + " elements";
      break;
    case json::value_t::object:
      text = v.dump(-1, ' ', false, json::error_handler_t::replace);
      if (text.size() > kMaxChars) text = "an object with " + std::to_string(v.size()) + " keys";
      break;
    default:
      text = "null";
      break;
  }
  if (with_type && !type.empty()) text += " (" + type + ")";
  return text;
}

std::string JsonReader::closest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const std::string& candidate : candidates) {
    const std::string c = lower(candidate);
    size_t d = edit_distance(w, c);
    // A truncated or extended word ("threshold" for "threshold_lr") is a likely mix-up too.
    const bool prefix = (w.size() >= 4 && c.rfind(w, 0) == 0) || (c.size() >= 4 && w.rfind(c, 0) == 0);
    const size_t allowed = w.size() >= 8 ? 2 : (w.size() >= 3 ? 1 : 0);
    if (d > allowed && !prefix) continue;
    if (prefix) d = std::min<size_t>(d, allowed);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace sasgsim
