#include "algorithms/Catalog.h"

namespace sasgsim {
namespace {

template <typename... Options>
std::vector<const AlgorithmType*> types_of(const std::tuple<Options...>*) {
  static const std::tuple<AlgorithmTypeOf<Options>...> types;
  return {&std::get<AlgorithmTypeOf<Options>>(types)...};
}

}  // namespace

const std::vector<const AlgorithmType*>& algorithm_catalog() {
  static const std::vector<const AlgorithmType*> catalog =
      types_of(static_cast<const AlgorithmOptionTypes*>(nullptr));
  return catalog;
}

const AlgorithmType* find_algorithm_type(const std::string& name) {
  for (const AlgorithmType* type : algorithm_catalog()) {
    if (name == type->name()) return type;
  }
  return nullptr;
}

}  // namespace sasgsim
