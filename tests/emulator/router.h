#pragma once
// Request paths as kube-apiserver lays them out, read into what a request is about: a
// discovery or OpenAPI document, the emulator's own endpoints, or a resource (its type,
// namespace, name and subresource). Pure: the path and the served types in, a Route out.

#include <string>

#include "emulator/resource_types.h"

namespace paymesh::emulator {

// The object (or collection) a resource request names.
struct Target {
  const ResourceType* type = nullptr;
  std::string ns;    // empty for cluster-scoped types and for all-namespace lists
  std::string name;  // empty for a collection
  std::string subresource;
  // The namespace the object lives in: `ns` for namespaced types, "" otherwise.
  std::string objectNamespace() const { return type->namespaced ? ns : ""; }
};

struct Route {
  enum class Kind {
    kNone,
    kVersion,
    kApi,
    kApis,
    kApiGroup,
    kGroupVersion,
    kResource,
    kOpenApiV2,
    kOpenApiV3,
    kOpenApiV3Doc,
    kFaults,
    kHealth
  };
  Kind kind = Kind::kNone;
  std::string group, version;
  Target target;
  bool legacy_watch = false;  // /api/v1/watch/...
  std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
};

Route route(const std::string& path, const TypeRegistry& types);

// POST, PUT, PATCH and DELETE: what faults and the read-only token treat as writes.
bool isWriteMethod(const std::string& method);

}  // namespace paymesh::emulator
