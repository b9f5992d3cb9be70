// The keys of a composed algorithm, its checks, traits and default label, and the composed
// forms of the four shortcuts.
#include "algorithms/ComposedOptions.h"

#include <limits>

#include "sim/scenario/JsonReader.h"

namespace sasgsim {
namespace {

bool read_compressor(const nlohmann::json& v, const std::string& path, const SchemaPlace& place,
                     ParseContext& ctx, ComposedOptions& out) {
  // A bare name ("qsgd") is the compressor with its defaults.
  const nlohmann::json entry = v.is_string() ? nlohmann::json{{"name", v}} : v;
  if (!entry.is_object()) {
    ctx.issues.push_back({path, "expected a compressor name such as \"topk\" or an object such as "
                                "{\"name\": \"qsgd\", \"levels\": 16}, got " +
                                    JsonReader::describe_value(v, true)});
    return false;
  }
  return CompressorOptions::section().parse(entry, path, place.child("compressor", ""), ctx,
                                            out.compressor);
}

// Error feedback where it means nothing: identity drops nothing; DGC keeps its own residual.
void check_error_feedback(SectionScope<ComposedOptions>& scope) {
  if (!scope.value.error_feedback || !scope.ok("compressor")) return;
  const CompressorKind kind = scope.value.compressor.kind;
  if (kind == CompressorKind::kIdentity) {
    scope.reader.add_issue("error_feedback",
                           "the identity compressor drops nothing, so error feedback has nothing "
                           "to feed back; remove \"error_feedback\" or choose a compressor");
  } else if (kind == CompressorKind::kDgc) {
    scope.reader.add_issue("error_feedback",
                           "dgc keeps its own residual (momentum correction and accumulation); "
                           "remove \"error_feedback\"");
  }
}

void declare_keys(Section<ComposedOptions>& s) {
  s.choice("rule", &ComposedOptions::rule)
      .required()
      .meaning("When a worker uploads: every iteration, when the LASG-WK2 rule says its "
               "gradient changed enough, or every period iterations after local steps.");
  s.custom("compressor", read_compressor,
           [](const ComposedOptions& o) { return CompressorOptions::section().write(o.compressor); })
      .type("string or object")
      .defaults("`\"identity\"`")
      .allowed("a compressor name, or an object with \"name\" and its options")
      .example("{\"name\": \"qsgd\", \"levels\": 16}")
      .shorthand("name")
      .meaning("What an upload is made of.")
      .child({"", &CompressorOptions::section(), "", ""});
  s.boolean("error_feedback", &ComposedOptions::error_feedback)
      .meaning("Keep what compression dropped (e <- p - decoded) and add it to the next upload.");
  s.integer("period", &ComposedOptions::period, 1, std::numeric_limits<int32_t>::max())
      .when("rule", {"periodic"})
      .meaning("H: local SGD steps per upload; a worker then sends its model change.");
  s.include(LazyRuleOptions::section(), &ComposedOptions::lazy, Condition{"rule", {"lazy"}});
  s.check(check_error_feedback);
}

const char* rule_cost(RuleKind rule) {
  switch (rule) {
    case RuleKind::kAlways: return "1 gradient; an upload every iteration";
    case RuleKind::kLazy:
      return "1 gradient, after warm-up 1 auxiliary gradient at theta_hat; an upload or none";
    case RuleKind::kPeriodic: return "1 gradient at the local model; an upload every period";
  }
  return "?";
}

}  // namespace

const AlgorithmTraits ComposedOptions::kTraits = entry_traits(ComposedOptions{});

const Section<ComposedOptions>& ComposedOptions::section() {
  static const Section<ComposedOptions> keys = [] {
    Section<ComposedOptions> s;
    declare_keys(s);
    return s;
  }();
  return keys;
}

AlgorithmTraits entry_traits(const ComposedOptions& options) {
  AlgorithmTraits t;
  t.lazy = options.rule == RuleKind::kLazy;
  t.compresses = options.compressor.kind != CompressorKind::kIdentity;
  t.error_feedback = options.error_feedback || options.compressor.kind == CompressorKind::kDgc;
  t.stores_vectors = t.lazy;
  t.local_steps = options.rule == RuleKind::kPeriodic;
  t.cost = std::string(rule_cost(options.rule)) + "; compressor " + to_string(options.compressor.kind);
  return t;
}

std::string default_label(const ComposedOptions& options) {
  return std::string(to_string(options.rule)) + "-" + to_string(options.compressor.kind) +
         (options.error_feedback ? "-ef" : "");
}

ComposedOptions composed_form(const SgdOptions& /*options*/) { return ComposedOptions{}; }

ComposedOptions composed_form(const SparseOptions& options) {
  ComposedOptions c;
  c.compressor.kind = CompressorKind::kTopK;
  c.compressor.density = options.topk.density;
  c.compressor.scope = options.topk.scope;
  c.error_feedback = true;
  return c;
}

ComposedOptions composed_form(const LasgOptions& options) {
  ComposedOptions c;
  c.rule = RuleKind::kLazy;
  c.lazy = options.rule;
  return c;
}

ComposedOptions composed_form(const SasgOptions& options) {
  ComposedOptions c = composed_form(SparseOptions{options.topk});
  c.rule = RuleKind::kLazy;
  c.lazy = options.rule;
  return c;
}

}  // namespace sasgsim
