// Scenario keys as data, in the spirit of ns-3's TypeId::AddAttribute: a Section<T> declares
// each key of one JSON object once (name, type, range, unit, default, where it applies, meaning)
// and binds it to the field of T it fills:
//
//   Section<LinkOptions> s;
//   s.rate("bandwidth", &LinkOptions::rate_bps).unit("bit/s").alias("rate")
//       .meaning("The link's rate, each direction.");
//
// From the declarations come the parser (type and range checks, keys that do not apply, missing
// required keys, unknown keys with "did you mean" hints), the resolved-scenario writer, and
// through SectionInfo the Markdown tables and the JSON Schema (SchemaDocs.h). Checks that
// combine several keys are attached to the section with check().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/EnumNames.h"
#include "sim/scenario/JsonReader.h"
#include "sim/scenario/SchemaInfo.h"
#include "sim/scenario/SchemaValues.h"

namespace sasgsim {

class HintIndex;

// Shared by every section of one parse.
struct ParseContext {
  std::vector<ScenarioIssue>& issues;
  const HintIndex* hints = nullptr;  // cross-section "did you mean" hints; none when null
  std::optional<int64_t> workers;    // M, once valid: the keys of per-worker maps are 0..M-1
};

// Where a section sits in the schema ("network.transport", "algorithms[]" with variant "sasg"),
// as opposed to where its value sits in one document (".algorithms[2]").
struct SchemaPlace {
  std::string path;
  std::string variant;
  SchemaPlace child(const std::string& key, const std::string& suffix) const {
    return {(path.empty() ? key : path + "." + key) + suffix, ""};
  }
};

template <typename T>
struct KeySpec {
  KeyInfo info;
  // Checks `value` (found at `path`) and stores it; records issues and returns false if invalid.
  std::function<bool(const nlohmann::json& value, const std::string& path, const SchemaPlace&,
                     ParseContext&, T&)>
      read;
  // The value as the resolved scenario writes it; null: nothing is written.
  std::function<nlohmann::json(const T&)> write;
};

// What a section's check() sees: the parsed values and which keys were given or invalid.
template <typename T>
struct SectionScope {
  T& value;
  JsonReader& reader;               // reader.add_issue(key, message) records at .path.key
  ParseContext& ctx;
  const std::set<std::string>& failed;  // keys whose value was invalid
  bool given(const std::string& key) { return reader.has(key); }
  bool ok(const std::string& key) const { return failed.count(key) == 0; }
};

// Reads an object keyed by worker index: each key must be "0" .. "M-1" in canonical decimal
// (checked against ctx.workers when known); `entry` reads each value (worker: nullopt when
// the key is invalid, then only the value's shape is checked). `example` shows one entry.
bool read_worker_map(
    const nlohmann::json& value, const std::string& path, const std::string& example,
    ParseContext& ctx,
    const std::function<bool(const nlohmann::json& entry, const std::string& entry_path,
                             std::optional<int> worker)>& entry);

// Messages for a key that is missing (conditional: required only because of required_when) and
// for a key given where a condition does not hold (`current`: that selector's value).
std::string missing_text(const KeyInfo& key, bool conditional);
std::string not_applicable_text(const KeyInfo& key, const Condition& unmet,
                                const nlohmann::json& current);

// Sets the documentation of a key just declared (valid until the next declaration).
template <typename T>
class KeyRef {
 public:
  explicit KeyRef(KeySpec<T>& key) : key_(key) {}
  KeyRef& meaning(std::string text) { return set(key_.info.meaning, std::move(text)); }
  KeyRef& unit(std::string text) { return set(key_.info.unit, std::move(text)); }
  KeyRef& defaults(std::string markdown) { return set(key_.info.default_text, std::move(markdown)); }
  KeyRef& allowed(std::string markdown) { return set(key_.info.allowed, std::move(markdown)); }
  KeyRef& type(std::string text) { return set(key_.info.type, std::move(text)); }
  KeyRef& example(std::string text) { return set(key_.info.example, std::move(text)); }
  KeyRef& schema(nlohmann::json value_schema) {
    key_.info.value_schema = std::move(value_schema);
    return *this;
  }
  KeyRef& alias(std::string name, std::string note = "") {
    key_.info.aliases.push_back({std::move(name), std::move(note)});
    return *this;
  }
  // The key applies only when `selector` (an earlier key) has one of `values`; otherwise
  // giving it is an error and it is not written.
  KeyRef& when(std::string selector, std::vector<nlohmann::json> values) {
    key_.info.applies.push_back({std::move(selector), std::move(values)});
    return *this;
  }
  KeyRef& shorthand(std::string key) { return set(key_.info.shorthand, std::move(key)); }
  KeyRef& replaces(std::vector<std::string> keys) {
    key_.info.replaces = std::move(keys);
    return *this;
  }
  KeyRef& required() {
    key_.info.required = true;
    return *this;
  }
  KeyRef& required_when(std::string selector, std::vector<nlohmann::json> values) {
    key_.info.required_when = {std::move(selector), std::move(values)};
    return *this;
  }
  // A nested section whose keys are documented in a table of their own or in this key's
  // meaning, rather than as key.child rows under it.
  KeyRef& keys_documented_elsewhere() {
    key_.info.docs_inline = false;
    return *this;
  }
  // Written to the resolved scenario only when `keep` holds (and the key applies).
  KeyRef& written_if(std::function<bool(const T&)> keep) {
    key_.write = [write = key_.write, keep](const T& t) {
      return keep(t) ? write(t) : nlohmann::json();
    };
    return *this;
  }
  KeyRef& child(ChildSection c) {
    key_.info.children.push_back(std::move(c));
    return *this;
  }

 private:
  KeyRef& set(std::string& field, std::string text) {
    field = std::move(text);
    return *this;
  }
  KeySpec<T>& key_;
};

namespace schema_detail {

template <typename V>
void assign(V& field, int64_t x) {
  field = static_cast<V>(x);
}
template <typename V>
void assign(std::optional<V>& field, int64_t x) {
  field = static_cast<V>(x);
}

// A real value as `format` writes it; an empty optional writes nothing.
template <typename Format>
nlohmann::json format_real(double v, Format format) {
  return nlohmann::json(format(v));
}
template <typename Format>
nlohmann::json format_real(const std::optional<double>& v, Format format) {
  return v ? nlohmann::json(format(*v)) : nlohmann::json();
}

template <typename V>
nlohmann::json to_json(const V& v) {
  return nlohmann::json(v);
}
template <typename V>
nlohmann::json to_json(const std::optional<V>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// A field accessor (member pointer or callable T& -> V&) as a std::function.
template <typename T, typename F>
auto accessor(F f) {
  using V = std::remove_reference_t<std::invoke_result_t<F, T&>>;
  return std::function<V&(T&)>([f](T& t) -> V& { return std::invoke(f, t); });
}

template <typename T, typename V>
V& mutable_field(const std::function<V&(T&)>& field, const T& t) {
  // Writers read through the same accessor the reader assigns through.
  return field(const_cast<T&>(t));
}

}  // namespace schema_detail

template <typename T>
class Section : public SectionInfo {
 public:
  using Reader = std::function<bool(const nlohmann::json&, const std::string&, const SchemaPlace&,
                                    ParseContext&, T&)>;
  using Writer = std::function<nlohmann::json(const T&)>;
  using Check = std::function<void(SectionScope<T>&)>;

  template <typename F>
  KeyRef<T> integer(std::string name, F field, int64_t lo, int64_t hi) {
    auto get = schema_detail::accessor<T>(field);
    KeyRef<T> ref = add(std::move(name),
        [get, lo, hi](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
                      ParseContext& ctx, T& out) {
          const std::optional<int64_t> x = JsonReader::as_integer(v, lo, hi, path, ctx.issues);
          if (x) schema_detail::assign(get(out), *x);
          return x.has_value();
        },
        writer(get));
    return ref.type("integer").allowed(integer_range_markdown(lo, hi))
        .schema(integer_schema(lo, hi));
  }

  template <typename F>
  KeyRef<T> number(std::string name, F field, NumberRange range) {
    return real(std::move(name), field, range, &JsonReader::as_number,
                [](const auto& v) { return schema_detail::to_json(v); })
        .type("number").allowed(range_markdown(range)).schema(number_schema(range));
  }

  template <typename F>
  KeyRef<T> numbers(std::string name, F field, NumberRange range) {
    auto get = schema_detail::accessor<T>(field);
    KeyRef<T> ref = add(std::move(name),
        [get, range](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
                     ParseContext& ctx, T& out) {
          std::optional<std::vector<double>> x = read_numbers(v, range, path, ctx.issues);
          if (x) get(out) = std::move(*x);
          return x.has_value();
        },
        writer(get));
    const std::string each = range_markdown(range);
    return ref.type("array of numbers").allowed(each.empty() ? "" : "each " + each)
        .schema({{"type", "array"}, {"items", number_schema(range)}});
  }

  template <typename F>
  KeyRef<T> boolean(std::string name, F field) {
    auto get = schema_detail::accessor<T>(field);
    KeyRef<T> ref = add(std::move(name),
        [get](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
              ParseContext& ctx, T& out) {
          const std::optional<bool> x = read_boolean(v, path, ctx.issues);
          if (x) get(out) = *x;
          return x.has_value();
        },
        writer(get));
    return ref.type("boolean").schema({{"type", "boolean"}});
  }

  // `check` returns "" for a valid string, else the message ("expected ..., got ...").
  template <typename F>
  KeyRef<T> string(std::string name, F field,
                   std::function<std::string(const std::string&)> check = {}) {
    auto get = schema_detail::accessor<T>(field);
    KeyRef<T> ref = add(std::move(name),
        [get, check](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
                     ParseContext& ctx, T& out) {
          std::optional<std::string> x = read_string(v, path, ctx.issues);
          if (x && check) {
            if (std::string problem = check(*x); !problem.empty()) {
              ctx.issues.push_back({path, problem});
              return false;
            }
          }
          if (x) get(out) = std::move(*x);
          return x.has_value();
        },
        writer(get));
    return ref.type("string").schema({{"type", "string"}});
  }

  // An enum field, named as EnumNames<E> says.
  template <typename F>
  KeyRef<T> choice(std::string name, F field) {
    auto get = schema_detail::accessor<T>(field);
    using E = std::remove_reference_t<decltype(get(std::declval<T&>()))>;
    const std::vector<std::string> names = enum_names<E>();
    KeyRef<T> ref = add(std::move(name),
        [get, names](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
                     ParseContext& ctx, T& out) {
          const std::optional<std::string> x = JsonReader::as_choice(v, names, path, ctx.issues);
          if (x) get(out) = *enum_from<E>(*x);
          return x.has_value();
        },
        [get](const T& t) { return nlohmann::json(to_string(schema_detail::mutable_field(get, t))); });
    return ref.type("string").allowed(choices_markdown(names)).schema({{"enum", names}});
  }

  template <typename F>
  KeyRef<T> rate(std::string name, F field, NumberRange range = rate_range()) {
    return real(std::move(name), field, range, &read_rate,
                [](const auto& bps) { return schema_detail::format_real(bps, format_rate); })
        .type("rate string").unit("bit/s").allowed(rate_range_text(range)).schema(rate_schema());
  }

  template <typename F>
  KeyRef<T> time(std::string name, F field, NumberRange range = time_range()) {
    return real(std::move(name), field, range, &read_time,
                [](const auto& s) { return schema_detail::format_real(s, format_time); })
        .type("time string").unit("s").allowed(time_range_text(range)).schema(time_schema());
  }

  // A nested object parsed by `section` into the field (a U, or a std::optional<U> that the
  // key's presence fills).
  template <typename U, typename F>
  KeyRef<T> object(std::string name, F field, const Section<U>& section) {
    auto get = schema_detail::accessor<T>(field);
    const std::string key = name;
    KeyRef<T> ref = add(std::move(name),
        [get, key, &section](const nlohmann::json& v, const std::string& path,
                             const SchemaPlace& place, ParseContext& ctx, T& out) {
          return section.parse(v, path, place.child(key, ""), ctx, emplace(get(out)));
        },
        [get, &section](const T& t) { return write_object(section, schema_detail::mutable_field(get, t)); });
    return ref.type("object").child({"", &section, "", ""});
  }

  // An object keyed by worker index ("0" .. "M-1"); each entry starts from initial(out) and is
  // parsed by `section`. `placement` says how a key of the entries is reached (hints).
  template <typename U, typename F, typename Init>
  KeyRef<T> worker_map(std::string name, F field, const Section<U>& section, Init initial,
                       std::string example, std::string placement) {
    auto get = schema_detail::accessor<T>(field);
    const std::string key = name;
    KeyRef<T> ref = add(std::move(name),
        [get, key, &section, initial, example](const nlohmann::json& v, const std::string& path,
                                               const SchemaPlace& place, ParseContext& ctx, T& out) {
          const SchemaPlace entry_place = place.child(key, ".<worker>");
          return read_worker_map(v, path, example, ctx,
              [&](const nlohmann::json& e, const std::string& entry_path, std::optional<int> w) {
                U entry = initial(out);
                const bool ok = section.parse(e, entry_path, entry_place, ctx, entry);
                if (ok && w) get(out)[*w] = entry;
                return ok;
              });
        },
        [get, &section](const T& t) {
          nlohmann::json j = nlohmann::json::object();
          for (const auto& [w, entry] : schema_detail::mutable_field(get, t)) {
            j[std::to_string(w)] = section.write(entry);
          }
          return j;
        });
    return ref.type("object")
        .allowed("keys: worker indices `\"0\"` .. `\"M-1\"` in decimal")
        .defaults("`{}`")
        .schema(worker_map_schema())
        .child({".<worker>", &section, "", std::move(placement)});
  }

  // Every key and check of `section`, applied to the part of T that `field` gives; with
  // `applies`, its keys apply only when that condition holds (as KeyRef::when).
  template <typename U, typename F>
  void include(const Section<U>& section, F field, const Condition& applies = {}) {
    auto get = schema_detail::accessor<T>(field);
    for (const KeySpec<U>& k : section.keys_) {
      KeySpec<T> lifted;
      lifted.info = k.info;
      if (applies.active()) lifted.info.applies.push_back(applies);
      lifted.read = [get, read = k.read](const nlohmann::json& v, const std::string& path,
                                         const SchemaPlace& place, ParseContext& ctx, T& out) {
        return read(v, path, place, ctx, get(out));
      };
      lifted.write = [get, write = k.write](const T& t) {
        return write(schema_detail::mutable_field(get, t));
      };
      keys_.push_back(std::move(lifted));
    }
    for (const auto& c : section.checks_) {
      checks_.push_back([get, c](SectionScope<T>& scope) {
        SectionScope<U> inner{get(scope.value), scope.reader, scope.ctx, scope.failed};
        c(inner);
      });
    }
    for (const auto& h : section.hints_) hints_.push_back(h);
    for (const auto& r : section.rules_) rules_.push_back(r);
  }

  // A key parsed and written by hand; give its type, allowed values and schema with the KeyRef.
  KeyRef<T> custom(std::string name, Reader read, Writer write) {
    return add(std::move(name), std::move(read), std::move(write));
  }

  // A check over several keys, run after every key of the section was read; `schema_rule`
  // states it in JSON Schema where it can be (an allOf entry), or is null.
  void check(Check check, nlohmann::json schema_rule = nullptr) {
    checks_.push_back(std::move(check));
    if (!schema_rule.is_null()) rules_.push_back(std::move(schema_rule));
  }
  // Advice for an unknown key of this section, after "unknown key \"<key>\"; ".
  void hint(std::string key, std::string advice) {
    hints_.emplace_back(std::move(key), std::move(advice));
  }
  // Reads the object `value` (at `path`) into `out`. Returns false when it recorded an issue.
  bool parse(const nlohmann::json& value, const std::string& path, const SchemaPlace& place,
             ParseContext& ctx, T& out) const {
    const size_t issues_before = ctx.issues.size();
    JsonReader r(value, path, ctx.issues);
    if (!value.is_object()) return false;
    std::set<std::string> failed;
    for (const KeySpec<T>& k : keys_) read_key(k, r, place, ctx, out, failed);
    // The hints cost a pass over the whole schema: only a document with unknown keys needs them.
    if (r.has_unknown_keys()) r.finish(hints_for(place, ctx));
    SectionScope<T> scope{out, r, ctx, failed};
    for (const Check& c : checks_) c(scope);
    return ctx.issues.size() == issues_before;
  }

  // The resolved form of `value`: every key that applies and has a value.
  nlohmann::json write(const T& value) const {
    nlohmann::json j = nlohmann::json::object();
    for (const KeySpec<T>& k : keys_) {
      if (!holds_all(k.info.applies, value)) continue;
      nlohmann::json v = k.write(value);
      if (!v.is_null()) j[k.info.name] = std::move(v);
    }
    return j;
  }

  std::vector<const KeyInfo*> key_infos() const override {
    std::vector<const KeyInfo*> infos;
    for (const KeySpec<T>& k : keys_) infos.push_back(&k.info);
    return infos;
  }
  nlohmann::json default_values() const override {
    const T defaults{};
    nlohmann::json j = nlohmann::json::object();
    for (const KeySpec<T>& k : keys_) j[k.info.name] = k.write(defaults);
    return j;
  }
  const std::vector<std::pair<std::string, std::string>>& hints() const override { return hints_; }
  const std::vector<nlohmann::json>& schema_rules() const override { return rules_; }

 private:
  template <typename>
  friend class Section;

  KeyRef<T> add(std::string name, Reader read, Writer write) {
    KeySpec<T> k;
    k.info.name = std::move(name);
    k.read = std::move(read);
    k.write = std::move(write);
    keys_.push_back(std::move(k));
    return KeyRef<T>(keys_.back());
  }

  // A real-valued field (double or std::optional<double>) checked by `read` (a reader of
  // SchemaValues.h: value, range, path, issues) and written as `format` says.
  template <typename F, typename Read, typename Format>
  KeyRef<T> real(std::string name, F field, NumberRange range, Read read, Format format) {
    auto get = schema_detail::accessor<T>(field);
    return add(std::move(name),
        [get, range, read](const nlohmann::json& v, const std::string& path, const SchemaPlace&,
                           ParseContext& ctx, T& out) {
          const std::optional<double> x = read(v, range, path, ctx.issues);
          if (x) get(out) = *x;
          return x.has_value();
        },
        [get, format](const T& t) { return format(schema_detail::mutable_field(get, t)); });
  }

  template <typename V>
  static Writer writer(const std::function<V&(T&)>& get) {
    return [get](const T& t) { return schema_detail::to_json(schema_detail::mutable_field(get, t)); };
  }

  template <typename U>
  static U& emplace(U& u) { return u; }
  template <typename U>
  static U& emplace(std::optional<U>& u) { return u.emplace(); }

  template <typename U>
  static nlohmann::json write_object(const Section<U>& section, const U& u) {
    return section.write(u);
  }
  template <typename U>
  static nlohmann::json write_object(const Section<U>& section, const std::optional<U>& u) {
    return u ? section.write(*u) : nlohmann::json();
  }

  const KeySpec<T>* find_key(const std::string& name) const {
    for (const KeySpec<T>& k : keys_) {
      if (k.info.name == name) return &k;
    }
    return nullptr;
  }

  // Whether the selector of `c` currently has one of its values.
  bool holds(const Condition& c, const T& value) const {
    const KeySpec<T>* selector = find_key(c.selector);
    if (selector == nullptr) return true;
    const nlohmann::json current = selector->write(value);
    for (const nlohmann::json& v : c.values) {
      if (v == current) return true;
    }
    return false;
  }

  bool holds_all(const std::vector<Condition>& conditions, const T& value) const {
    for (const Condition& c : conditions) {
      if (!holds(c, value)) return false;
    }
    return true;
  }

  // The first condition that fails, or nullptr. A condition on a selector that was invalid is
  // not judged: the key is then checked on its own.
  const Condition* failing(const std::vector<Condition>& conditions, const T& value,
                           const std::set<std::string>& failed) const {
    for (const Condition& c : conditions) {
      if (failed.count(c.selector) == 0 && !holds(c, value)) return &c;
    }
    return nullptr;
  }

  void read_key(const KeySpec<T>& k, JsonReader& r, const SchemaPlace& place, ParseContext& ctx,
                T& out, std::set<std::string>& failed) const {
    const KeyInfo& info = k.info;
    const nlohmann::json* v = r.find(info.name);
    const Condition* unmet = failing(info.applies, out, failed);
    if (v == nullptr) {
      const Condition& rw = info.required_when;
      const bool when_needed = rw.active() && failed.count(rw.selector) == 0 && holds(rw, out);
      if ((info.required || when_needed) && unmet == nullptr) {
        r.missing(info.name, missing_text(info, !info.required));
        failed.insert(info.name);
      }
      return;
    }
    if (unmet != nullptr) {
      r.add_issue(info.name, not_applicable_text(info, *unmet, current_value(unmet->selector, out)));
      failed.insert(info.name);
      return;
    }
    if (!k.read(*v, r.path_of(info.name), place, ctx, out)) failed.insert(info.name);
  }

  nlohmann::json current_value(const std::string& key, const T& value) const {
    const KeySpec<T>* k = find_key(key);
    return k == nullptr ? nlohmann::json() : k->write(value);
  }

  std::map<std::string, std::string> hints_for(const SchemaPlace& place,
                                               const ParseContext& ctx) const;

  std::deque<KeySpec<T>> keys_;
  std::vector<Check> checks_;
  std::vector<std::pair<std::string, std::string>> hints_;
  std::vector<nlohmann::json> rules_;
};

// The hints of a section at `place`: its own, then the cross-section ones of the index.
std::map<std::string, std::string> section_hints(
    const SectionInfo& section, const std::vector<std::pair<std::string, std::string>>& own,
    const SchemaPlace& place, const HintIndex* index);

template <typename T>
std::map<std::string, std::string> Section<T>::hints_for(const SchemaPlace& place,
                                                         const ParseContext& ctx) const {
  return section_hints(*this, hints_, place, ctx.hints);
}

}  // namespace sasgsim
