// Names, traits and option keys of the four algorithms of the paper (their headers say what
// each option means).
#include "algorithms/LasgOptions.h"
#include "algorithms/SasgOptions.h"
#include "algorithms/SgdOptions.h"
#include "algorithms/SparseOptions.h"

namespace sasgsim {

const AlgorithmTraits SgdOptions::kTraits{false, false, false, false,
                                          "1 gradient; a dense upload"};
const AlgorithmTraits SparseOptions::kTraits{false, true, true, false,
                                             "1 gradient, 1 top-k selection; a sparse upload"};
const AlgorithmTraits LasgOptions::kTraits{
    true, false, false, true,
    "1 gradient, after warm-up 1 auxiliary gradient at theta_hat; a dense upload or none"};
const AlgorithmTraits SasgOptions::kTraits{
    true, true, true, true,
    "1 gradient, after warm-up 1 auxiliary gradient at theta_hat; when it uploads 1 top-k "
    "selection and a sparse upload"};

const Section<SgdOptions>& SgdOptions::section() {
  static const Section<SgdOptions> keys;
  return keys;
}

const Section<SparseOptions>& SparseOptions::section() {
  static const Section<SparseOptions> keys = [] {
    Section<SparseOptions> s;
    s.include(TopKOptions::section(), &SparseOptions::topk);
    return s;
  }();
  return keys;
}

const Section<LasgOptions>& LasgOptions::section() {
  static const Section<LasgOptions> keys = [] {
    Section<LasgOptions> s;
    s.include(LazyRuleOptions::section(), &LasgOptions::rule);
    return s;
  }();
  return keys;
}

const Section<SasgOptions>& SasgOptions::section() {
  static const Section<SasgOptions> keys = [] {
    Section<SasgOptions> s;
    s.include(TopKOptions::section(), &SasgOptions::topk);
    s.include(LazyRuleOptions::section(), &SasgOptions::rule);
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
