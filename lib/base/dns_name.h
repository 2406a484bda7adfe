#pragma once
// Kubernetes names: DNS-1123 labels (namespaces, services: [a-z0-9]([-a-z0-9]*[a-z0-9])?,
// at most 63) and subdomains (most object names: labels joined by '.', at most 253), as
// apimachinery's IsDNS1123Label and IsDNS1123Subdomain define them. The model's formats,
// the PKI's identities and the emulator's name checks all use these.

#include <string_view>

#include "base/status.h"

namespace paymesh {

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;

bool isDns1123Label(std::string_view s);
bool isDns1123Subdomain(std::string_view s);

// The same as errors that name `what` ("namespace", "service account") and the value.
Status validateDnsLabel(std::string_view what, std::string_view value);
Status validateDnsSubdomain(std::string_view what, std::string_view value);

}  // namespace paymesh
