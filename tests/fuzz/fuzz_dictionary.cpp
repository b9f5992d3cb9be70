// Prints a libFuzzer dictionary for fuzz_scenario (scripts/fuzz.sh writes it next to the
// build): every key, enum value and constant of the scenario's JSON Schema (SchemaDocs.h), each
// key as a JSON string, bare, and as the dotted start of a --set assignment
// ("network.per_worker.0.bandwidth="), the units of rates and times, and the separators of the
// harness's input. Generated from the schema, it follows every key added to it.
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/SchemaDocs.h"

namespace {

using nlohmann::json;

// The words of `node`, a part of the schema at the dotted key `at` ("network.per_worker.0").
void collect(const json& node, const std::string& at, std::set<std::string>& words) {
  if (node.is_array()) {
    for (const json& v : node) collect(v, at, words);
    return;
  }
  if (!node.is_object()) return;
  const std::string prefix = at.empty() ? "" : at + ".";
  for (const auto& [name, value] : node.items()) {
    if ((name == "properties" || name == "patternProperties") && value.is_object()) {
      for (const auto& [key, sub] : value.items()) {
        // A pattern's key stands for worker 0 (per-worker maps) or any name.
        const std::string word = name == "properties" ? key : "0";
        words.insert(json(word).dump());
        words.insert(word);
        words.insert(prefix + word + "=");  // a --set assignment's start
        collect(sub, prefix + word, words);
      }
    } else if (name == "items" || name == "additionalProperties") {
      collect(value, prefix + "0", words);
    } else if (name == "enum" || name == "const" || name == "default" || name == "examples") {
      if (value.is_array()) {
        for (const json& v : value) words.insert(v.dump());
      } else {
        words.insert(value.dump());
      }
    } else if (name != "description") {
      collect(value, at, words);
    }
  }
}

// A dictionary entry: the word in double quotes, with quotes and backslashes escaped by a
// backslash and bytes outside printable ASCII as \xNN.
std::string entry(const std::string& word) {
  std::string s = "\"";
  for (unsigned char c : word) {
    if (c == '"' || c == '\\') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c < 0x20 || c > 0x7e) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      s += hex;
    } else {
      s += static_cast<char>(c);
    }
  }
  return s + "\"";
}

}  // namespace

int main() {
  std::set<std::string> words;
  collect(sasgsim::scenario_json_schema(), "", words);
  for (const char* w : {"bps", "kbps", "Mbps", "Gbps", "Tbps", "KiB/s", "MB/s", "b/s", "s", "ms",
                        "us", "ns", "ps", "fs", "min", "h", "d", "e-", "e+", "1e308", "-0",
                        "18446744073709551615", "9223372036854775807", "4294967296", "=", "[0]",
                        ".0.", "null", "true", "false", "{}", "[]", "\\u0000", "\\ud800", "\xc3\xa9",
                        "\xff"}) {
    words.insert(w);
  }
  words.insert(std::string(1, '\0'));  // the separator of the assignments
  for (const std::string& w : words) {
    if (!w.empty() && w.size() <= 64) std::printf("%s\n", entry(w).c_str());
  }
  return 0;
}
