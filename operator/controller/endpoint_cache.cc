#include "operator/controller/endpoint_cache.h"

namespace paymesh::ctrl {

std::vector<model::ServiceEndpoint> EndpointCache::get(const model::PaymentService& service, const Read& read) {
  const std::string key = keyOf(service.metadata.namespace_, service.metadata.name);
  uint64_t version = 0;
  {
    std::lock_guard lock(mu_);
    if (auto v = versions_.find(key); v != versions_.end()) version = v->second;
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.version == version && it->second.selector == service.spec.selector)
      return it->second.endpoints;
  }
  // Read outside the lock: other services' reads go on meanwhile.
  std::vector<model::ServiceEndpoint> endpoints = read();
  std::lock_guard lock(mu_);
  auto v = versions_.find(key);
  if ((v == versions_.end() ? 0 : v->second) == version)
    entries_[key] = Entry{version, service.spec.selector, endpoints};
  return endpoints;
}

void EndpointCache::invalidate(const std::string& ns, const std::string& service) {
  const std::string key = keyOf(ns, service);
  std::lock_guard lock(mu_);
  ++versions_[key];
  entries_.erase(key);
}

size_t EndpointCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace paymesh::ctrl
