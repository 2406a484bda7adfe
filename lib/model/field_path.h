#pragma once
// Field paths as Kubernetes prints them: "spec.ports[0].port",
// "spec.selector.matchLabels[app.kubernetes.io/name]".

#include <string>
#include <string_view>

namespace paymesh::model {

// Appends a map key: ".key" when it is an identifier, "[key]" otherwise.
std::string childPath(std::string_view parent, std::string_view key);
// Appends a list index: "[i]".
std::string indexPath(std::string_view parent, size_t index);

struct FieldError {
  std::string path;     // "spec.resilience.retry.attempts"
  std::string message;  // "must be at most 10, got 42"
  bool operator==(const FieldError&) const = default;
};

inline std::string toString(const FieldError& e) { return e.path.empty() ? e.message : e.path + ": " + e.message; }

}  // namespace paymesh::model
