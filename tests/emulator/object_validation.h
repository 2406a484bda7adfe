#pragma once
// What the emulator checks of an object before it stores it, with kube-apiserver's field
// paths and messages: the shape of metadata, the name as each kind's validator wants it
// (DNS-1123 subdomain, DNS-1123 label for namespaces, DNS-1035 label for services, a path
// segment for RBAC objects), the structural schema of custom resources (pruning, defaults,
// validation), a Pod's containers, a CRD's names, and the 1 MiB cap on a ConfigMap's or a
// Secret's data (kube-apiserver's MaxSecretSize). A Secret's stringData is merged into data
// first and its type defaults to Opaque, as kube-apiserver does. Built-in kinds get no schema: an unknown field in one
// is kept, not rejected (see docs/kube-emulator.md).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/resource_types.h"
#include "emulator/status_errors.h"

namespace paymesh::emulator {

// The types of metadata's fields, checked before anything reads them.
std::vector<Cause> metadataCauses(const nlohmann::json& obj);

// metadata.name as kube-apiserver validates it for this kind.
std::vector<Cause> nameCauses(const ResourceType& type, const std::string& name);

// core.MaxSecretSize: the most bytes a ConfigMap's data and binaryData, or a Secret's data,
// may hold together.
inline constexpr size_t kMaxDataBytes = 1024 * 1024;

// Prunes and defaults custom resources by their schema, then validates the object.
std::vector<Cause> normalizeAndValidate(const ResourceType& type, nlohmann::json& obj, bool creating);

}  // namespace paymesh::emulator
