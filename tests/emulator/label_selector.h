#pragma once
// Label and field selectors as the API server reads them from a query string, and the
// structured LabelSelector (matchLabels/matchExpressions) used by webhook configurations.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::emulator {

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kEquals;
  std::vector<std::string> values;
};

struct Selector {
  std::vector<Requirement> requirements;
  bool empty() const { return requirements.empty(); }
};

// Parses "a=b,c!=d,e in (f,g),!h,i". Returns false and sets `error` on bad syntax.
bool parseSelector(const std::string& text, Selector& out, std::string& error);

bool matches(const Selector& selector, const std::map<std::string, std::string>& labels);

// Labels of an object (metadata.labels) as a map.
std::map<std::string, std::string> labelsOf(const nlohmann::json& object);

// The fields a field selector may name: metadata.name, metadata.namespace and any
// scalar path such as status.phase or spec.nodeName.
std::map<std::string, std::string> fieldsOf(const nlohmann::json& object, const Selector& selector);

// A metav1.LabelSelector object; null or {} matches everything.
bool matchesLabelSelector(const nlohmann::json& selector, const std::map<std::string, std::string>& labels,
                          std::string& error);

}  // namespace paymesh::emulator
