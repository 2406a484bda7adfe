#pragma once
// The PaymentServices the webhook decides with, fed by an informer: each object is parsed
// once when it arrives, and a decision takes an immutable snapshot of its namespace, so a
// review never waits on the API server nor on an update in progress.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inject/selection.h"
#include "kube/informer.h"

namespace paymesh::webhook {

class ServiceCache {
public:
  using Snapshot = std::shared_ptr<const std::vector<inject::ServiceEntry>>;

  void upsert(const nlohmann::json& object);
  void remove(const nlohmann::json& object);
  // The services of `ns` sorted by name (an empty list when none).
  Snapshot inNamespace(const std::string& ns) const;
  size_t size() const;
  uint64_t changes() const;  // upserts and removals so far

  // Handlers that keep this cache equal to an informer's store.
  kube::ResourceEventHandlers handlers();

private:
  void publish(const std::string& ns);  // with mu_ held

  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, inject::ServiceEntry>> entries_;
  std::map<std::string, Snapshot> snapshots_;
  size_t size_ = 0;
  uint64_t changes_ = 0;
};

}  // namespace paymesh::webhook
