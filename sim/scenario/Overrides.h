// Command-line overrides of scenario keys (--set KEY=VALUE), applied to the JSON document
// before validation so that overridden values are checked like any other.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasgsim {

// Applies one "KEY=VALUE" assignment to `doc`.
// KEY is a dotted path (workers, train.iterations, network.per_worker.3.bandwidth); elements of
// arrays are addressed by index (algorithms.0.density), and the form used in error messages
// (.algorithms[0].density) is accepted too. Missing objects on the way are created; an index
// equal to the array's length appends. A string algorithm ("sasg") or lr_schedule ("step") on
// the way is expanded to its object form ({"name": "sasg"}).
// VALUE is read as JSON when it parses as JSON (4, 0.5, true, [20, 30], {"type": "step"}), else
// taken as a string (100Mbps, fast); the JSON value null removes the key.
// Throws UsageError for a malformed assignment: no '=', an empty key or key segment, a path
// through a value that is neither object nor array, a non-numeric or out-of-range index.
void apply_override(nlohmann::json& doc, const std::string& assignment);

// Applies each assignment in order.
void apply_overrides(nlohmann::json& doc, const std::vector<std::string>& assignments);

}  // namespace sasgsim
