#pragma once
// Who may call a service, as the inbound RBAC filter says it: the SPIFFE identities of
// spec.authorization.allowedCallers and, where a JWT rule requires a token, the claims of
// spec.authorization.requiredClaims. Which paths need a token follows the port's JWT
// rules in order (rule n decides the paths under its prefix and under no earlier rule's),
// since RBAC policies are unordered and jwt_authn takes the first match.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "policy/rate_limit.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// The SPIFFE identity of each allowed caller; `caller_accounts` maps PaymentService
// names to their service accounts (a caller not in it is assumed to use its own name).
CallerIdentities callerIdentities(const model::PaymentService& self,
                                  const std::map<std::string, std::string>& caller_accounts,
                                  const model::MeshConfig& mesh);

// The RBAC `rules` of the inbound filter on `port` for the allowed callers' identities, or
// null when there is nothing to check.
Json rbacRules(const model::PaymentService& self, const model::Port& port, const CallerIdentities& callers);

}  // namespace paymesh::policy
