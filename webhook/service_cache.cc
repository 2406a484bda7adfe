#include "webhook/service_cache.h"

namespace paymesh::webhook {

void ServiceCache::upsert(const nlohmann::json& object) {
  inject::ServiceEntry entry = inject::serviceEntry(object);  // parsed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto& ns = entries_[entry.namespace_];
  std::string space = entry.namespace_;
  size_ -= ns.count(entry.name);
  ns[entry.name] = std::move(entry);
  ++size_;
  publish(space);
}

void ServiceCache::remove(const nlohmann::json& object) {
  inject::ServiceEntry gone = inject::serviceEntry(object);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(gone.namespace_);
  if (it == entries_.end()) return;
  size_ -= it->second.erase(gone.name);
  publish(gone.namespace_);
}

void ServiceCache::publish(const std::string& ns) {
  ++changes_;
  auto list = std::make_shared<std::vector<inject::ServiceEntry>>();
  for (const auto& [name, e] : entries_[ns]) list->push_back(e);
  snapshots_[ns] = std::move(list);
}

ServiceCache::Snapshot ServiceCache::inNamespace(const std::string& ns) const {
  static const Snapshot kEmpty = std::make_shared<const std::vector<inject::ServiceEntry>>();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = snapshots_.find(ns);
  return it == snapshots_.end() ? kEmpty : it->second;
}

uint64_t ServiceCache::changes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return changes_;
}

size_t ServiceCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

kube::ResourceEventHandlers ServiceCache::handlers() {
  return {[this](const kube::ObjectPtr& o) { upsert(*o); },
          [this](const kube::ObjectPtr&, const kube::ObjectPtr& now) { upsert(*now); },
          [this](const kube::ObjectPtr& o) { remove(*o); }};
}

}  // namespace paymesh::webhook
