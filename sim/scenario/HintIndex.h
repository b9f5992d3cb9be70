// "Did you mean" advice for unknown keys, computed from the schema instead of written by hand:
// every key name and alias, and where it is declared. An unknown key is then a key of another
// section ("batch_size" at the top level: did you mean "data.batch_size"?), a key of another
// kind of list element ("density" on sgd: applies only to sparse and sasg), or an alias ("h":
// did you mean "density" (the paper's h)?).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/scenario/Schema.h"

namespace sasgsim {

class HintIndex {
 public:
  // Indexes `root` and every section nested under it.
  explicit HintIndex(const SectionInfo& root);

  // key -> advice for the keys a document may wrongly put into `section` at `place`, from
  // the keys and aliases other sections declare (section_hints adds the section's own aliases).
  std::map<std::string, std::string> hints_for(const SectionInfo& section,
                                               const SchemaPlace& place) const;

 private:
  struct Target {
    std::string path;       // schema path of the declaring section
    std::string variant;
    std::string key;        // the declared key
    std::string note;       // the alias's note ("the paper's h"); "" for the key's own name
    std::string placement;  // how its section is reached, or ""
    size_t depth = 0;       // segments in path
  };
  void visit(const SectionInfo& section, const std::string& path, const std::string& variant,
             const std::string& placement);
  std::string advice(const std::string& name, const Target& target,
                     const SchemaPlace& place) const;

  std::map<std::string, std::vector<Target>> by_name_;  // in declaration order
};

}  // namespace sasgsim
