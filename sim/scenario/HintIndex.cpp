#include "sim/scenario/HintIndex.h"

#include <algorithm>

namespace sasgsim {
namespace {

size_t depth_of(const std::string& path) {
  if (path.empty()) return 0;
  return 1 + static_cast<size_t>(std::count(path.begin(), path.end(), '.'));
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A schema path as people read it: "algorithms[]" is "algorithms".
std::string readable(const std::string& path) { return replace_all(path, "[]", ""); }

bool is_below(const std::string& path, const std::string& ancestor) {
  if (ancestor.empty()) return !path.empty();
  return path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
         path[ancestor.size()] == '.';
}

}  // namespace

HintIndex::HintIndex(const SectionInfo& root) { visit(root, "", "", ""); }

void HintIndex::visit(const SectionInfo& section, const std::string& path,
                      const std::string& variant, const std::string& placement) {
  for (const KeyInfo* key : section.key_infos()) {
    by_name_[key->name].push_back({path, variant, key->name, "", placement, depth_of(path)});
    for (const Alias& alias : key->aliases) {
      by_name_[alias.name].push_back({path, variant, key->name, alias.note, placement,
                                      depth_of(path)});
    }
    for (const ChildSection& child : key->children) {
      const std::string child_path = (path.empty() ? key->name : path + "." + key->name) +
                                     child.suffix;
      visit(*child.section, child_path, child.variant,
            child.placement.empty() ? placement : child.placement);
    }
  }
}

std::map<std::string, std::string> HintIndex::hints_for(const SectionInfo& section,
                                                        const SchemaPlace& place) const {
  std::map<std::string, std::string> hints;
  for (const auto& [name, targets] : by_name_) {
    if (section.find(name) != nullptr) continue;
    // The same list position, another kind of element: the key applies to those kinds only.
    std::vector<std::string> variants;
    const Target* sibling = nullptr;
    for (const Target& t : targets) {
      if (t.path == place.path && !place.variant.empty() && t.variant != place.variant) {
        variants.push_back(t.variant);
        sibling = &t;
      }
    }
    if (sibling != nullptr) {
      const std::string what = sibling->note.empty()
                                   ? JsonReader::quote(name)
                                   : JsonReader::quote(name) + " is " + JsonReader::quote(sibling->key) + " (" +
                                         sibling->note + "), which";
      hints[name] = what + " applies only to " + spoken_list(variants, "and") + ", not to " +
                    place.variant + "; remove it";
      continue;
    }
    const Target* best = nullptr;
    for (const Target& t : targets) {
      if (t.path == place.path && t.variant == place.variant) continue;
      const bool below = is_below(t.path, place.path);
      const bool best_below = best != nullptr && is_below(best->path, place.path);
      if (best == nullptr || (below && !best_below) ||
          (below == best_below && t.depth < best->depth)) {
        best = &t;
      }
    }
    if (best != nullptr) hints[name] = advice(name, *best, place);
  }
  return hints;
}

std::string HintIndex::advice(const std::string& name, const Target& target,
                              const SchemaPlace& place) const {
  const std::string note = target.note.empty() ? "" : " (" + target.note + ")";
  if (!target.placement.empty()) {
    return replace_all(replace_all(target.placement, "{key}", target.key), "{variant}",
                       target.variant) +
           note;
  }
  if (target.path.empty()) {
    if (name == target.key) {
      return JsonReader::quote(name) + " is a top-level key, not part of " + JsonReader::quote(readable(place.path));
    }
    return "did you mean the top-level key " + JsonReader::quote(target.key) + note + "?";
  }
  const std::string relative = is_below(target.path, place.path) && !place.path.empty()
                                   ? target.path.substr(place.path.size() + 1)
                                   : target.path;
  return "did you mean " + JsonReader::quote(readable(relative) + "." + target.key) + note + "?";
}

}  // namespace sasgsim
