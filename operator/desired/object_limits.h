#pragma once
// What Kubernetes refuses to store, checked before a child is written: a ConfigMap (or
// Secret) whose data adds up to more than 1 MiB gets a 422 from kube-apiserver
// (ValidateConfigMap: the sum of every data and binaryData value's bytes). A pass that
// knows its ConfigMap will be refused keeps the one in place, says so in the status, and
// goes on with the certificate.

#include <cstddef>
#include <map>
#include <string>

namespace paymesh::ctrl {

inline constexpr size_t kMaxConfigMapDataBytes = 1024 * 1024;

// The bytes of a ConfigMap's data: its files' contents (keys do not count).
size_t configMapDataBytes(const std::map<std::string, std::string>& files);

// Empty when `files` fit a ConfigMap; otherwise the size, the limit and the largest files,
// naming the ConfigMap `what` (namespace/name).
std::string configMapSizeProblem(const std::string& what, const std::map<std::string, std::string>& files);

// "1,048,576": byte counts in messages a person reads.
std::string withThousands(size_t n);

}  // namespace paymesh::ctrl
