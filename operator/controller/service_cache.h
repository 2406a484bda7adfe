#pragma once
// Parsed PaymentServices by namespace/name, over the informer's store: an object is
// parsed again only when its resourceVersion moves. Thread-safe.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "kube/object_key.h"
#include "kube/store.h"
#include "model/payment_service.h"

namespace paymesh::ctrl {

using ServicePtr = std::shared_ptr<const model::PaymentService>;

class ServiceCache {
public:
  explicit ServiceCache(const kube::Store& store) : store_(store) {}

  struct Entry {
    ServicePtr service;      // null when the object does not parse
    std::string error;       // the parse errors, for the status
    kube::ObjectPtr object;  // the cached object it was parsed from
    int64_t generation() const;
    bool deleting() const;  // metadata.deletionTimestamp is set
  };
  // nullopt when the object is not in the cache.
  std::optional<Entry> get(const kube::ObjectKey& key);
  void erase(const kube::ObjectKey& key);

  const kube::Store& store() const { return store_; }

private:
  const kube::Store& store_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<std::string, Entry>> entries_;  // key -> (resourceVersion, entry)
};

}  // namespace paymesh::ctrl
