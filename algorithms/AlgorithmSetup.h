// Forward declarations for the torch-free option headers (e.g. SgdOptions.h), which name the
// factory function that builds their algorithm; both types are defined in Algorithm.h.
#pragma once

namespace sasgsim {

class Algorithm;
struct AlgorithmSetup;

}  // namespace sasgsim
