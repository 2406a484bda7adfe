#pragma once
// Field paths as Kubernetes prints them: "spec.ports[0].port",
// "spec.selector.matchLabels[app.kubernetes.io/name]". Shared by the YAML reader (which
// records the line of every path) and the model's validation (which reports them).

#include <string>
#include <string_view>

namespace paymesh {

// Appends a map key: ".key" when it is an identifier, "[key]" otherwise.
std::string childPath(std::string_view parent, std::string_view key);
// Appends a list index: "[i]".
std::string indexPath(std::string_view parent, size_t index);

}  // namespace paymesh
