#pragma once
// Named string formats shared by the C++ validator and the CRD: each has a checker
// and the regular expression the CRD's `pattern` carries, so both say the same thing.

#include <optional>
#include <string>
#include <string_view>

namespace paymesh::model {

enum class Format {
  kNone,
  kDns1123Label,      // "settlement": [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63
  kDns1123Subdomain,  // "paymesh.io": labels joined by dots, at most 253
  kDuration,          // Go duration: "500ms", "1h30m"
  kHttpHeaderName,    // lowercase token: "x-payment-id"
  kLabelKey,          // "app.kubernetes.io/name"
  kLabelValue,        // "" or [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?, at most 63
  kImage,             // a container image reference, no whitespace
  kQuantity,          // a Kubernetes resource quantity: "100m", "128Mi", "1.5", "2e3"
  kUrl,               // an absolute http or https URL with a host: "https://idp.example.com"
  kHttpsUrl,          // the same, https only: "https://idp.example.com/jwks.json"
  kPathPrefix,        // a URL path prefix: "/", "/v1/payments"
  kClaimName,         // a JWT claim, dots naming nested ones: "sub", "realm.roles", "scp"
  kQueryParam,        // a query parameter name: "access_token"
};

// nullopt when text conforms; otherwise what is wrong, e.g. "must be a lowercase RFC 1123 label ...".
std::optional<std::string> checkFormat(Format format, std::string_view text);

// The ECMA regular expression used as the CRD's `pattern` (empty for kNone).
std::string formatPattern(Format format);

// Maximum length implied by the format (0 = none).
size_t formatMaxLength(Format format);

}  // namespace paymesh::model
