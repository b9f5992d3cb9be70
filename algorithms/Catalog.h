// The algorithms a scenario may name, in the order the docs list them. Adding an algorithm
// means: its options header (name, summary, traits, keys, the make_algorithm declaration) and
// its implementation in algorithms/, and one entry here in AlgorithmOptionTypes (with the
// header's #include). Torch-free: the scenario parser reads the catalog; the factory
// (algorithms/Algorithm.h) builds from the same list.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "algorithms/ComposedOptions.h"
#include "algorithms/LasgOptions.h"
#include "algorithms/SasgOptions.h"
#include "algorithms/SgdOptions.h"
#include "algorithms/SparseOptions.h"
#include "sim/scenario/AlgorithmType.h"

namespace sasgsim {

using AlgorithmOptionTypes =
    std::tuple<SgdOptions, SparseOptions, LasgOptions, SasgOptions, ComposedOptions>;

// One AlgorithmType per entry of AlgorithmOptionTypes, in that order.
const std::vector<const AlgorithmType*>& algorithm_catalog();

// The type named `name`, or nullptr.
const AlgorithmType* find_algorithm_type(const std::string& name);

}  // namespace sasgsim
