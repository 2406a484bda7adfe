#pragma once
// The informer cache: objects by namespace/name, with namespace and label indexes. Objects
// are typed and trimmed on the way in (kube/trim.h: fields of the wrong type, managedFields
// and fields paymesh does not read are dropped; a non-object or nameless one is not kept) and
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

#include "kube/trim.h"

namespace paymesh::kube {

using Json = nlohmann::json;
using ObjectPtr = std::shared_ptr<const Json>;
using Trimmer = std::function<void(Json&)>;

class Store {
  struct Contents;

public:
  explicit Store(Trimmer trim = dropManagedFields);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static std::string keyOf(const std::string& ns, const std::string& name) { return ns + "/" + name; }
  static std::string keyOf(const Json& object);

  ObjectPtr get(const std::string& ns, const std::string& name) const;
  // By a key as keys() lists them ("namespace/name").
  ObjectPtr get(const std::string& key) const;
  // Decodes every object at once: for small stores; large ones are walked with keys() + get().
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  std::vector<ObjectPtr> byNamespace(const std::string& ns) const;
  std::vector<ObjectPtr> byLabel(const std::string& key, const std::string& value) const;
  size_t size() const;

  // Inserts or replaces; returns the previous object (null when new) and the stored one
  // (null when the object was not kept: not an object, or without a name).
  std::pair<ObjectPtr, ObjectPtr> upsert(Json object);
  // Removes; returns the removed object (null when absent).
  ObjectPtr erase(const std::string& ns, const std::string& name);

  // A relist assembled page by page: each object is trimmed and packed as it is added, so
  // a list of 50,000 pods never exists as 50,000 full JSON objects at once.
  class Batch {
  public:
    Batch(Batch&&) noexcept;
    Batch& operator=(Batch&&) noexcept;
    ~Batch();
    void add(Json object);
    size_t size() const;

  private:
    friend class Store;
    explicit Batch(const Trimmer& trim);
    Trimmer trim_;
    std::unique_ptr<Contents> contents_;
  };
  Batch newBatch() const { return Batch(trim_); }

  // Called once per object that a replace added (old_obj null), changed (its trimmed form
  // differs) or removed (now null), one object decoded at a time, after the swap.
  using ChangeVisitor = std::function<void(const ObjectPtr& old_obj, const ObjectPtr& now)>;
  // Replaces the whole contents.
  void replace(Batch batch, const ChangeVisitor& visit = {});
  void replace(std::vector<Json> objects, const ChangeVisitor& visit = {});

private:
  using Packed = std::vector<std::uint8_t>;
  static ObjectPtr unpack(const Packed& packed);

  Trimmer trim_;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Contents> contents_;
};

}  // namespace paymesh::kube
