#include "operator/desired/dependents.h"

namespace paymesh::ctrl {

void DependentsIndex::unlink(const std::string& ns, const std::string& name, const Refs& refs) {
  for (const auto& d : refs.direct) {
    auto it = referrers_.find(key(ns, d));
    if (it == referrers_.end()) continue;
    it->second.erase(name);
    if (it->second.empty()) referrers_.erase(it);
  }
  if (refs.fallback) {
    auto it = fallback_of_.find(key(ns, *refs.fallback));
    if (it != fallback_of_.end()) {
      it->second.erase(name);
      if (it->second.empty()) fallback_of_.erase(it);
    }
  }
}

void DependentsIndex::update(const model::PaymentService& service) {
  const std::string& ns = service.metadata.namespace_;
  const std::string& name = service.metadata.name;
  Refs refs;
  for (const auto& d : service.spec.dependencies) refs.direct.insert(d.name);
  for (const auto& c : service.spec.allowed_callers) refs.direct.insert(c);
  refs.fallback = service.spec.resilience.fallback_service;
  remove(ns, name);
  for (const auto& d : refs.direct) referrers_[key(ns, d)].insert(name);
  if (refs.fallback) fallback_of_[key(ns, *refs.fallback)].insert(name);
  refs_[key(ns, name)] = std::move(refs);
}

void DependentsIndex::remove(const std::string& ns, const std::string& name) {
  auto it = refs_.find(key(ns, name));
  if (it == refs_.end()) return;
  unlink(ns, name, it->second);
  refs_.erase(it);
}

std::set<std::string> DependentsIndex::dependentsOf(const std::string& ns, const std::string& name) const {
  std::set<std::string> out;
  auto addReferrers = [&](const std::string& target) {
    auto it = referrers_.find(key(ns, target));
    if (it != referrers_.end()) out.insert(it->second.begin(), it->second.end());
  };
  addReferrers(name);
  // Services whose fallback is `name`: whoever calls them renders `name`'s cluster too.
  if (auto it = fallback_of_.find(key(ns, name)); it != fallback_of_.end()) {
    for (const auto& primary : it->second) addReferrers(primary);
  }
  out.erase(name);
  return out;
}

}  // namespace paymesh::ctrl
