#pragma once
// The informer cache: objects by namespace/name, with namespace and label indexes. Objects
// are trimmed on the way in (managedFields and fields paymesh does not read are dropped) and
// kept as MessagePack bytes: a parsed nlohmann::json costs ~100 bytes per field, the packed
// form a few bytes, which is what keeps 10,000 cached Pods small. Reads decode into a fresh
// read-only object.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::kube {

using Json = nlohmann::json;
using ObjectPtr = std::shared_ptr<const Json>;
using Trimmer = std::function<void(Json&)>;

// Drops metadata.managedFields and the last-applied-configuration annotation.
void dropManagedFields(Json& object);
// Keeps only what paymesh reads of a Pod: identity, labels, annotations, owners, deletion,
// spec.nodeName / serviceAccountName, status.phase / podIP(s) and the Ready condition.
void trimPod(Json& object);

class Store {
public:
  explicit Store(Trimmer trim = dropManagedFields);

  static std::string keyOf(const std::string& ns, const std::string& name) { return ns + "/" + name; }
  static std::string keyOf(const Json& object);

  ObjectPtr get(const std::string& ns, const std::string& name) const;
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> byNamespace(const std::string& ns) const;
  std::vector<ObjectPtr> byLabel(const std::string& key, const std::string& value) const;
  size_t size() const;

  // Inserts or replaces; returns the previous object (null when new) and the stored one.
  std::pair<ObjectPtr, ObjectPtr> upsert(Json object);
  // Removes; returns the removed object (null when absent).
  ObjectPtr erase(const std::string& ns, const std::string& name);
  // Replaces the whole contents; returns the previous contents by key.
  std::map<std::string, ObjectPtr> replace(std::vector<Json> objects);

private:
  using Packed = std::vector<std::uint8_t>;
  // Index entries point at the keys of objects_ (node-based, so the keys do not move).
  using KeySet = std::set<const std::string*>;
  void indexLocked(const std::string* key, const Json& object, bool add);
  static ObjectPtr unpack(const Packed& packed);
  std::vector<ObjectPtr> collectLocked(const KeySet& keys) const;

  Trimmer trim_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Packed> objects_;
  std::unordered_map<std::string, KeySet> by_namespace_;
  std::unordered_map<std::string, KeySet> by_label_;  // "key=value" -> object keys
};

}  // namespace paymesh::kube
