#pragma once
// End-user tokens (JWT, RFC 7519, as compact JWS, RFC 7515) checked as the sidecar's
// jwt_authn filter checks them: decoded, then verified against one provider's issuer,
// audiences, keys and the token's lifetime, and the required claims the sidecar's RBAC
// checks after it.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwks.h"
#include "base/status.h"
#include "model/authentication.h"

namespace paymesh::auth {

using TimePoint = std::chrono::system_clock::time_point;

// Envoy's default clock skew for exp and nbf (JwtProvider.clock_skew_seconds).
inline constexpr std::chrono::seconds kClockSkew{60};

// A compact JWS split and decoded; nothing in it is verified yet.
struct Jws {
  nlohmann::json header;      // a JSON object (the JOSE header)
  nlohmann::json payload;     // a JSON object (the claims)
  std::string signing_input;  // "<header>.<payload>" as received: what the signature covers
  std::string signature;      // the decoded signature bytes
};

// Three base64url parts separated by dots; header and payload JSON objects. Errors say
// which part is malformed ("payload: not base64url: ..."), never quote the token.
Result<Jws> decodeJws(std::string_view token);

// What a check passed, in order, one human line each, and why it stopped.
struct Checks {
  std::vector<std::string> passed;
  std::string failure;  // empty when every check passed
  bool ok() const { return failure.empty(); }
};

// Verifies `token` for `provider` with its keys at `now`, in this order:
//  - alg: RS*, PS* or ES*; "none" and HS* are refused (unsigned and shared-secret
//    tokens are never accepted);
//  - iss equals provider.issuer;
//  - aud (a string or a list) holds one of provider.audiences, compared as Envoy does:
//    without an http:// or https:// scheme and a trailing "/" (no audiences: any);
//  - the signature, with the key named by the header's kid ("unknown kid" if none has
//    it), or else with every key whose kty, alg and curve fit the token's alg;
//  - exp is present and now <= exp + skew; nbf, if present, <= now + skew.
Checks verifyJwt(const Jws& token, const model::JwtProvider& provider, const Jwks& jwks, TimePoint now);

// Every value of every required claim must be in the token's claim: a string claim is
// split on spaces (OAuth2 "scope"), a list claim read by its string elements. A claim
// name with dots names nested objects ("realm.roles").
Checks checkRequiredClaims(const nlohmann::json& claims, const std::vector<model::RequiredClaim>& required);

// The claim at a dotted name, or nullptr.
const nlohmann::json* findClaim(const nlohmann::json& claims, std::string_view name);

}  // namespace paymesh::auth
