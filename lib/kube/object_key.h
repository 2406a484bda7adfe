#pragma once
// The key of a namespaced object: what a work queue holds and a reconciler is given (a
// name only, never the event that queued it). Its string form is Store::keyOf's
// "namespace/name", the one spelling of cache and queue keys.

#include <compare>
#include <string>

#include <nlohmann/json.hpp>

namespace paymesh::kube {

struct ObjectKey {
  std::string ns;
  std::string name;

  // "namespace/name", as Store::keyOf spells it.
  std::string str() const;
  // The inverse of str(): split at the first '/' (names hold none).
  static ObjectKey parse(const std::string& key);
  // The key of an object, from its metadata.
  static ObjectKey of(const nlohmann::json& object);

  auto operator<=>(const ObjectKey&) const = default;
};

// An object's metadata, read in place: an empty object when it has none.
const nlohmann::json& metadataOf(const nlohmann::json& object);

}  // namespace paymesh::kube
