// The names scenario files give the values of an enum, declared once per enum next to it:
//   template <> struct EnumNames<ScheduleKind> {
//     static constexpr std::pair<ScheduleKind, const char*> kNames[] = {...};
//   };
// to_string, the parser's choices, the resolved writer and the docs all read that table.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace sasgsim {

template <typename E>
struct EnumNames;  // specialised for each scenario enum

template <typename E, typename = void>
struct HasEnumNames : std::false_type {};
template <typename E>
struct HasEnumNames<E, std::void_t<decltype(EnumNames<E>::kNames)>> : std::true_type {};

// The name of `value` as scenario files write it ("sequential"); "?" for a value not in the table.
template <typename E, typename = std::enable_if_t<HasEnumNames<E>::value>>
const char* to_string(E value) {
  for (const auto& [v, name] : EnumNames<E>::kNames) {
    if (v == value) return name;
  }
  return "?";
}

// Every name, in the table's order (the order messages and docs list them in).
template <typename E>
std::vector<std::string> enum_names() {
  std::vector<std::string> names;
  for (const auto& entry : EnumNames<E>::kNames) names.emplace_back(entry.second);
  return names;
}

template <typename E>
std::optional<E> enum_from(const std::string& name) {
  for (const auto& [v, n] : EnumNames<E>::kNames) {
    if (name == n) return v;
  }
  return std::nullopt;
}

}  // namespace sasgsim
