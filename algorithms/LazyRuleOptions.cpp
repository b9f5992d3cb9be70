#include "algorithms/LazyRuleOptions.h"

#include <string>

namespace sasgsim {
namespace {

using nlohmann::json;

// "xi": one number for all D-1 terms, or D-1 numbers (the count is checked once D is known
// to be valid, in check_xi).
bool read_xi(const json& v, const std::string& path, const SchemaPlace&, ParseContext& ctx,
             LazyRuleOptions& out) {
  if (!v.is_number()) {
    std::optional<std::vector<double>> values =
        read_numbers(v, NumberRange::non_negative(), path, ctx.issues);
    if (values) out.xi = std::move(*values);
    return values.has_value();
  }
  const std::optional<double> x =
      JsonReader::as_number(v, NumberRange::non_negative(), path, ctx.issues);
  if (!x) return false;
  if (out.max_delay < 2) {
    ctx.issues.push_back({path, "xi has D-1 = 0 terms with D = 1; use D >= 2 or remove xi"});
    return false;
  }
  out.xi.assign(static_cast<size_t>(out.max_delay - 1), *x);
  return true;
}

void check_xi(SectionScope<LazyRuleOptions>& scope) {
  if (!scope.given("xi")) return;
  std::string conflicting;
  for (const char* key : {"kappa", "c_factor", "threshold_lr"}) {
    if (scope.given(key)) conflicting += (conflicting.empty() ? "\"" : ", \"") + std::string(key) + "\"";
  }
  if (!conflicting.empty()) {
    scope.reader.add_issue("xi", "give either \"xi\" or \"kappa\"/\"c_factor\"/\"threshold_lr\", "
                                 "not both (found " + conflicting + ")");
  }
  const LazyRuleOptions& o = scope.value;
  const auto terms = static_cast<size_t>(o.max_delay - 1);
  if (scope.ok("D") && scope.ok("xi") && o.xi.size() != terms) {
    scope.reader.add_issue("xi", "expected a number or D-1 = " + std::to_string(terms) +
                                     " values (D = " + std::to_string(o.max_delay) + "), got " +
                                     std::to_string(o.xi.size()) + " value" +
                                     (o.xi.size() == 1 ? "" : "s"));
  }
}

bool kappa_form(const LazyRuleOptions& o) { return o.xi.empty(); }

}  // namespace

const Section<LazyRuleOptions>& LazyRuleOptions::section() {
  static const Section<LazyRuleOptions> keys = [] {
    Section<LazyRuleOptions> s;
    s.integer("D", &LazyRuleOptions::max_delay, 1, 1000000)
        .alias("max_delay")
        .meaning("History length / maximum delay: warm-up for t < D; the threshold sums the last "
                 "D-1 parameter changes; a worker uploads at the latest after D skips.");
    s.number("kappa", &LazyRuleOptions::kappa, NumberRange::positive())
        .written_if(kappa_form)
        .meaning("Threshold scale: thr = kappa * sum_{d=1}^{D-1} \\|\\|theta^{t+1-d} - "
                 "theta^{t-d}\\|\\|^2 / c.");
    s.number("c_factor", &LazyRuleOptions::c_factor, NumberRange::positive())
        .written_if(kappa_form)
        .alias("c", "c = c_factor * lr * workers^2")
        .meaning("c = c_factor * lr * M^2 (2 for the paper's MNIST run, 1 for its CIFAR runs).");
    s.choice("threshold_lr", &LazyRuleOptions::threshold_lr)
        .written_if(kappa_form)
        .meaning("The lr in c: the current one, or the one a full epoch earlier in the schedule "
                 "(the paper's CIFAR runs).");
    s.custom("xi", read_xi,
             [](const LazyRuleOptions& o) { return o.xi.empty() ? json() : json(o.xi); })
        .type("number or array of D-1 numbers")
        .defaults("none")
        .allowed("each >= 0; not with `kappa`, `c_factor`, `threshold_lr`; needs D >= 2")
        .schema({{"anyOf", json::array({{{"type", "number"}, {"minimum", 0}},
                                        {{"type", "array"},
                                         {"items", {{"type", "number"}, {"minimum", 0}}}}})}})
        .meaning("The paper's form of the rule instead of kappa/c: thr = sum_d xi_d "
                 "\\|\\|theta^{t+1-d} - theta^{t-d}\\|\\|^2 / (lr^2 M^2). A single number is used "
                 "for all D-1 terms.");
    json conflicts = json::array();
    for (const char* key : {"kappa", "c_factor", "threshold_lr"}) {
      conflicts.push_back({{"required", {"xi", key}}});
    }
    s.check(check_xi, json{{"not", {{"anyOf", conflicts}}}});
    return s;
  }();
  return keys;
}

}  // namespace sasgsim
