#pragma once
// What Kubernetes refuses to store, checked before a child is written: a ConfigMap (or
// Secret) whose data adds up to more than 1 MiB gets a 422 from kube-apiserver
// (ValidateConfigMap: the sum of every data and binaryData value's bytes). A
// configuration too large for one ConfigMap is split over several (layOutConfig); one
// that cannot fit even so is not written: the pass keeps the ConfigMaps in place, says
// so in the status, and goes on with the certificate.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "policy/names.h"

namespace paymesh::ctrl {

using policy::kMaxConfigMapDataBytes;

// The bytes of a ConfigMap's data: its files' contents (keys do not count).
size_t configMapDataBytes(const std::map<std::string, std::string>& files);

// Empty when `files` fit a ConfigMap; otherwise the size, the limit and the largest files,
// naming the ConfigMap `what` (namespace/name).
std::string configMapSizeProblem(const std::string& what, const std::map<std::string, std::string>& files);

// The files of one configuration laid out over ConfigMaps that each fit: all in the
// first (<svc>-paymesh) while they fit there; otherwise the endpoint files (eds-*.json)
// move to the shards (<svc>-paymesh-eds-<n>, policy::kConfigShards of them), each to
// the shard its name hashes to, or the next with room (placed in name order). A file
// stays in its shard while that shard has room for it, so a pod that comes or goes
// rewrites the one shard that holds its service's file, not all.
struct ConfigLayout {
  std::map<std::string, std::string> main;
  std::vector<std::map<std::string, std::string>> shards;  // policy::kConfigShards; unused ones empty
  std::string problem;  // not empty: they cannot fit (what and where); main and shards empty
};
ConfigLayout layOutConfig(const std::string& what, std::map<std::string, std::string> files);

// "1,048,576": byte counts in messages a person reads.
std::string withThousands(size_t n);

}  // namespace paymesh::ctrl
