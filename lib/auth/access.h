#pragma once
// Would the sidecar let this request through, as far as end-user authentication goes?
// The answer `paymeshctl auth check` prints: the rule that decides the request (the
// renderer's model::decidingRule), then the token checked as jwt_authn checks it, then
// the required claims the sidecar's RBAC checks where a token is required.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwks.h"
#include "auth/jwt.h"
#include "model/payment_service.h"

namespace paymesh::auth {

struct Verdict {
  bool accepted = false;
  std::vector<std::string> steps;  // what was decided and checked, in order, one line each
  std::string reason;              // the decisive one, for a rejection and an acceptance
};

// Parsed JWKS by provider name; a provider missing here fails verification (the caller
// supplies the keys of remote providers, which only the sidecar fetches).
using JwksByProvider = std::map<std::string, Jwks>;

// A request on `port` (a port name of the service) at `path` (its query is ignored),
// with a token or none:
//  - no spec.jwt: accepted, tokens are not checked;
//  - a TCP port: accepted, the sidecar authenticates no end user there;
//  - Exempt: accepted without looking at the token;
//  - AllowMissing: accepted without a token; a token present must be valid;
//  - Require: a token valid for one of the rule's providers (tried by its iss first),
//    then spec.required_claims. Required claims apply on Require only, as the RBAC
//    filter checks them where jwt_authn required a token.
Verdict checkAccess(const model::PaymentService& service, const std::string& port, const std::string& path,
                    const std::optional<std::string>& token, const JwksByProvider& jwks, TimePoint now);

// The providers whose keys checkAccess needs for this request: none without a token, on a
// service without spec.jwt, on a TCP or unknown port or an Exempt rule; else the
// deciding rule's providers. What `paymeshctl auth check` loads JWKS for.
std::vector<std::string> providersToVerify(const model::PaymentService& service, const std::string& port,
                                           const std::string& path, bool has_token);

}  // namespace paymesh::auth
