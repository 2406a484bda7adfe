#pragma once
// YAML (and JSON, which YAML reads too) into JSON values, remembering the line of every
// field so errors can say FILE:LINE. Guards against hostile input: aliases that expand
// beyond a node budget, nesting deeper than a limit, duplicate keys.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace paymesh::yaml {

struct YamlDocument {
  nlohmann::json value;
  int line = 1;                      // 1-based line where the document starts
  std::map<std::string, int> lines;  // field path ("spec.ports[0].port") -> 1-based line

  // Line of a path, or of its nearest ancestor that has one (a missing field is
  // reported at its parent).
  int lineOf(const std::string& path) const;
};

struct YamlLimits {
  size_t max_bytes = size_t{16} * 1024 * 1024;  // whole input
  size_t max_nodes = 1000000;                   // after alias expansion
  size_t max_depth = 256;
};

// Parses every document of a multi-document stream. Empty documents are dropped.
// Errors are InvalidArgument with "line N: ..." in the message.
Result<std::vector<YamlDocument>> parseYamlDocuments(std::string_view text, const YamlLimits& limits = {});

// Renders JSON as block YAML: stable, with strings quoted whenever they would read back
// as another type. Keys are printed in the order the value holds them.
std::string toYaml(const nlohmann::ordered_json& value);
std::string toYaml(const nlohmann::json& value);

}  // namespace paymesh::yaml
