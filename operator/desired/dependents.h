#pragma once
// Which PaymentServices must be rendered again when another one changes. A's sidecar
// config reads X when X is one of A's dependencies, the fallback of one of them, or one
// of A's allowed callers (whose service account the inbound RBAC names). Names are kept
// even for services that do not exist yet, so creating a missing dependency requeues
// the services waiting for it. Not thread-safe; the controller guards it.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "model/payment_service.h"

namespace paymesh::ctrl {

class DependentsIndex {
public:
  // Records (or replaces) the references of a service.
  void update(const model::PaymentService& service);
  void remove(const std::string& ns, const std::string& name);
  // Names (in ns) of the services whose config reads `name`, excluding `name` itself.
  std::set<std::string> dependentsOf(const std::string& ns, const std::string& name) const;
  size_t size() const { return refs_.size(); }

private:
  struct Refs {
    std::set<std::string> direct;  // dependencies and allowed callers
    std::optional<std::string> fallback;
  };
  using Key = std::pair<std::string, std::string>;  // (namespace, name)
  static Key key(const std::string& ns, const std::string& name) { return {ns, name}; }
  void unlink(const std::string& ns, const std::string& name, const Refs& refs);

  std::map<Key, Refs> refs_;                          // a service -> what it reads
  std::map<Key, std::set<std::string>> referrers_;    // X -> names reading X directly
  std::map<Key, std::set<std::string>> fallback_of_;  // X -> names whose fallback is X
};

}  // namespace paymesh::ctrl
