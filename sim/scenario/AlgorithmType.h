// What the scenario layer knows of an algorithm, without LibTorch: its name, a one-line
// summary, its traits and its option keys. Each algorithm declares these next to its options in
// algorithms/ (e.g. algorithms/SasgOptions.h) and is listed once in algorithms/Catalog.h; a
// scenario's "algorithms" entries become AlgorithmConfigs holding that type and its options.
#pragma once

#include <any>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/Schema.h"

namespace sasgsim {

// What an algorithm costs and keeps, for the docs, the reports and result readers. The runtime
// does not switch on these: it asks the algorithm at run time what to compute (see
// algorithms/Algorithm.h).
struct AlgorithmTraits {
  bool lazy = false;            // may skip uploads; after warm-up needs an auxiliary gradient
  bool compresses = false;      // compresses its uploads (top-k selection)
  bool error_feedback = false;  // keeps what compression dropped and adds it to the next upload
  bool stores_vectors = false;  // the server keeps each worker's last vector (stale reuse)
  std::string cost;             // per worker and iteration, in words (gradients, compression)
  bool local_steps = false;     // workers take local steps; the server's model changes only
                                // when they send (the periodic rule)
};

// One entry of a scenario's "algorithms": what to run and under which label.
struct AlgorithmConfig {
  const class AlgorithmType* type = nullptr;
  std::string label;  // names its results directory; the type's name unless given
  std::any options;   // the type's options struct (e.g. SasgOptions)

  std::string name() const;
  // The options as `Options`; throws std::logic_error when they are of another type.
  template <typename Options>
  const Options& options_as() const {
    const Options* o = std::any_cast<Options>(&options);
    if (o == nullptr) {
      throw std::logic_error("AlgorithmConfig \"" + label + "\": options are not " +
                             typeid(Options).name());
    }
    return *o;
  }
};

class AlgorithmType {
 public:
  virtual ~AlgorithmType() = default;
  virtual const char* name() const = 0;     // as scenario files write it: "sasg"
  virtual const char* summary() const = 0;  // one line, for the docs
  virtual const AlgorithmTraits& traits() const = 0;  // of the type (its defaults)
  // Of one configured entry (a composed algorithm's depend on its rule and compressor).
  virtual AlgorithmTraits traits_of(const AlgorithmConfig& config) const = 0;
  // The keys of its entries in "algorithms" ("name", "label" and its options).
  virtual const SectionInfo& keys() const = 0;
  // Reads an entry (a JSON object with "name" equal to name()) into `out`; false after
  // recording issues.
  virtual bool parse(const nlohmann::json& entry, const std::string& path, ParseContext& ctx,
                     AlgorithmConfig& out) const = 0;
  // The entry as the resolved scenario writes it: name, label and every option that applies.
  virtual nlohmann::json write(const AlgorithmConfig& config) const = 0;
};

inline std::string AlgorithmConfig::name() const { return type ? type->name() : "?"; }

// An entry's traits and default label: the type's, unless its options say otherwise (overloads
// next to an options struct, found by argument-dependent lookup, e.g. ComposedOptions.h).
template <typename Options>
AlgorithmTraits entry_traits(const Options& /*options*/) {
  return Options::kTraits;
}
template <typename Options>
std::string default_label(const Options& /*options*/) {
  return Options::kName;
}

// The AlgorithmType of an options struct that provides
//   static constexpr const char* kName, kSummary;  static const AlgorithmTraits kTraits;
//   static const Section<Options>& section();        // its option keys
template <typename Options>
class AlgorithmTypeOf : public AlgorithmType {
 public:
  AlgorithmTypeOf() {
    KeyRef<Entry> name = keys_.string("name", &Entry::name);
    name.meaning("The algorithm; an entry with \"rule\" may leave it out (it is then "
                 "\"composed\").")
        .alias("type");
    if constexpr (kNameRequired) {
      name.required();
    } else {
      name.defaults(std::string("`\"") + Options::kName + "\"` when the entry has \"rule\"");
    }
    keys_.string("label", &Entry::label, &label_problem)
        .defaults("the name; for a composed entry `<rule>-<compressor>`, `-ef` added with "
                  "error feedback")
        .allowed("`[A-Za-z0-9_.-]+`, unique in the scenario")
        .meaning("Names the algorithm's results directory and its `--only` name; give labels to "
                 "run one algorithm twice with different settings.");
    keys_.include(Options::section(), &Entry::options);
  }
  const char* name() const override { return Options::kName; }
  const char* summary() const override { return Options::kSummary; }
  const AlgorithmTraits& traits() const override { return Options::kTraits; }
  AlgorithmTraits traits_of(const AlgorithmConfig& config) const override {
    return entry_traits(config.options_as<Options>());
  }
  const SectionInfo& keys() const override { return keys_; }

  bool parse(const nlohmann::json& entry, const std::string& path, ParseContext& ctx,
             AlgorithmConfig& out) const override {
    Entry e;
    const bool ok = keys_.parse(entry, path, {"algorithms[]", name()}, ctx, e);
    out.type = this;
    out.label = e.label.empty() ? default_label(e.options) : e.label;
    out.options = e.options;
    return ok;
  }
  nlohmann::json write(const AlgorithmConfig& config) const override {
    return keys_.write(Entry{name(), config.label, config.options_as<Options>()});
  }

 private:
  struct Entry {
    std::string name;
    std::string label;
    Options options;
  };
  static std::string label_problem(const std::string& label);
  // "name" may be left out of the entries of a type whose options say kNameOptional (composed
  // entries are recognised by their "rule").
  template <typename O, typename = void>
  struct NameOptional : std::false_type {};
  template <typename O>
  struct NameOptional<O, std::void_t<decltype(O::kNameOptional)>>
      : std::bool_constant<O::kNameOptional> {};
  static constexpr bool kNameRequired = !NameOptional<Options>::value;
  Section<Entry> keys_;
};

template <typename Options>
std::string AlgorithmTypeOf<Options>::label_problem(const std::string& label) {
  return safe_name_problem("label", label);
}

}  // namespace sasgsim
