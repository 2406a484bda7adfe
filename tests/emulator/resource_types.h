#pragma once
// The resource registry of the emulator: what each served resource is called, whether it is
// namespaced, its short names, and (for custom resources) its schema and printer columns.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::emulator {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;
  std::string resource;  // plural, e.g. "pods"
  std::string singular;
  std::string kind;
  bool namespaced = true;
  bool has_status = false;  // serves the /status subresource
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  nlohmann::json schema;           // openAPIV3Schema of a CRD version; null for built-ins
  nlohmann::json printer_columns;  // additionalPrinterColumns of a CRD version; null otherwise
  std::string crd_name;            // owning CRD, empty for built-ins

  std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
  // "group/version/resource", the registry key.
  std::string key() const { return group + "/" + version + "/" + resource; }
};

// The built-in resources the emulator serves.
std::vector<ResourceType> builtinTypes();

// The resource types a CustomResourceDefinition serves (one per served version), or an
// error message naming what is wrong with the definition.
struct CrdTypes {
  std::vector<ResourceType> types;
  std::string error;
};
CrdTypes typesFromCrd(const nlohmann::json& crd);

}  // namespace paymesh::emulator
