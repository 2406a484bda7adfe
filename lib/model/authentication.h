#pragma once
// End-user authentication (JWT) and inbound overload protection of a PaymentService:
// spec.authentication.jwt, spec.authorization.requiredClaims, spec.resilience.rateLimit.
// Typed values read from the schema-validated object, and the one place that says which
// rule decides a request (the renderer and `paymeshctl auth check` both ask here).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/duration.h"

namespace paymesh::model {

enum class JwksSourceKind { kConfigMap, kSecret, kRemote };
const char* toString(JwksSourceKind v);  // "ConfigMap", "Secret", "remote"

inline constexpr const char* kDefaultJwksKey = "jwks.json";
// The label a ConfigMap or Secret holding a JWKS carries so the operator watches it
// (its informers list only labelled objects, not every ConfigMap and Secret).
inline constexpr const char* kJwksLabel = "paymesh.io/jwks";

// Where a provider's signing keys come from: a key of a ConfigMap or Secret in the
// service's namespace (the operator copies it into the sidecar's configuration), or an
// HTTPS URI the sidecar fetches and caches itself.
struct JwksSource {
  JwksSourceKind kind = JwksSourceKind::kConfigMap;
  std::string name;  // ConfigMap / Secret
  std::string key = kDefaultJwksKey;
  std::string uri;  // remote
  Nanos cache_duration = std::chrono::minutes(5);
  Nanos timeout = std::chrono::seconds(1);
};

struct TokenHeader {
  std::string name;  // lowercase
  std::string value_prefix;
};

struct ClaimToHeader {
  std::string claim;  // may name a nested claim with dots: "realm.tier"
  std::string header;
};

struct JwtProvider {
  std::string name;
  std::string issuer;
  std::vector<std::string> audiences;
  JwksSource jwks;
  // Where the token is read. Both empty: the Authorization header with "Bearer ".
  std::vector<TokenHeader> from_headers;
  std::vector<std::string> from_params;
  bool forward = false;  // keep the token on the request to the application
  std::vector<ClaimToHeader> claim_to_headers;
};

enum class JwtRuleAction { kRequire, kAllowMissing, kExempt };
const char* toString(JwtRuleAction v);  // "Require", "AllowMissing", "Exempt"

struct JwtRule {
  std::vector<std::string> ports;  // port names; empty: every HTTP or GRPC port
  std::string path_prefix = "/";
  JwtRuleAction action = JwtRuleAction::kRequire;
  std::vector<std::string> providers;  // empty: any provider of the service
};

struct JwtAuthentication {
  std::vector<JwtProvider> providers;
  std::vector<JwtRule> rules;  // in order: the first that matches a request decides
};

// A verified claim the request's token must carry: every value listed must be in it
// (a string claim is read as space-separated words, as OAuth2's `scope`; a list claim
// by its elements).
struct RequiredClaim {
  std::string claim;
  std::vector<std::string> values;
};

// A token bucket per pod (per sidecar): `requests_per_second` tokens a second, up to
// `burst` saved; with `per_caller` one bucket per known caller identity.
struct RateLimit {
  int64_t requests_per_second = 0;
  int64_t burst = 0;
  bool per_caller = false;
};

// The rule that decides a request on `port` at `path`: the first declared rule whose
// ports include the port (or name none) and whose prefix the path starts with; past the
// declared rules, a valid token from any provider is required.
struct DecidingRule {
  JwtRuleAction action = JwtRuleAction::kRequire;
  std::vector<std::string> providers;  // resolved: never empty for Require/AllowMissing
  std::optional<size_t> index;         // into JwtAuthentication::rules; nullopt: the default
};
DecidingRule decidingRule(const JwtAuthentication& jwt, const std::string& port, const std::string& path);

// The rules that apply on a port, in order, ending with the catch-all Require on "/":
// what the renderer turns into jwt_authn's ordered route rules.
std::vector<DecidingRule> rulesForPort(const JwtAuthentication& jwt, const std::string& port);
// Prefix of a DecidingRule from rulesForPort ("/" for the default).
std::string rulePrefix(const JwtAuthentication& jwt, const DecidingRule& rule);

// Readers of the schema-validated (and defaulted) JSON.
std::optional<JwtAuthentication> readJwtAuthentication(const nlohmann::json& spec);
std::vector<RequiredClaim> readRequiredClaims(const nlohmann::json& spec);
std::optional<RateLimit> readRateLimit(const nlohmann::json& resilience);

}  // namespace paymesh::model
