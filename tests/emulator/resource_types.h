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
  std::string group;  // "" for the core group
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
  // "group/resource": where the objects live, shared by every version of a resource.
  std::string storeKey() const { return group + "/" + resource; }
};

// `obj` with the apiVersion and kind of `type` (objects are stored once for all versions).
nlohmann::json withVersion(const ResourceType& type, nlohmann::json obj);

// The built-in resources the emulator serves.
std::vector<ResourceType> builtinTypes();

// The resource types a CustomResourceDefinition serves (one per served version), or an
// error message naming what is wrong with the definition.
struct CrdTypes {
  std::vector<ResourceType> types;
  std::string error;
};
CrdTypes typesFromCrd(const nlohmann::json& crd);

// The resources served now: the built-ins, plus those of each established CRD.
class TypeRegistry {
public:
  TypeRegistry();
  const ResourceType* find(const std::string& group, const std::string& version, const std::string& resource) const;
  // Any version of the resource stored under `store_key` ("group/resource").
  const ResourceType* byStoreKey(const std::string& store_key) const;
  // Core first, then by group, so discovery output is deterministic.
  std::vector<const ResourceType*> all() const;
  // Serves (again) every served version of the CRD, replacing what it served before.
  void registerCrd(const nlohmann::json& crd);
  // Stops serving the CRD's resource; returns its store key ("" when it served none).
  std::string unregisterCrd(const std::string& crd_name);

private:
  std::map<std::string, ResourceType> types_;  // by group/version/resource
};

}  // namespace paymesh::emulator
