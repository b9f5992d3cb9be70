// Checkpoint files: the state every part of a run declares (StateArchive.h), keyed by its
// dotted name, pickled in LibTorch's format (Python's torch.load reads it too), written
// atomically so that a killed run leaves the previous checkpoint or the new one, never a mix.
#pragma once

#include <functional>
#include <string>

#include "sim/checkpoint/StateArchive.h"

namespace sasgsim {

using StateVisitor = std::function<void(StateArchive&)>;

// Saves what `visit` declares into `path`, replacing it atomically.
void write_checkpoint(const std::string& path, const StateVisitor& visit);

// Restores what `visit` declares from `path`. Throws DataError naming the file and the field
// when the file cannot be read, lacks a field, holds one of another shape or type, or holds
// fields that `visit` does not declare (a checkpoint of another scenario or sasgsim version).
void read_checkpoint(const std::string& path, const StateVisitor& visit);

}  // namespace sasgsim
