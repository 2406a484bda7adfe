#include "policy/inbound_rbac.h"

#include <vector>

#include "pki/spiffe.h"
#include "policy/end_user_auth.h"

namespace paymesh::policy {

using model::PaymentService;
using model::Protocol;

namespace {

Json allOf(Json a, Json b) {
  if (a.is_null()) return b.is_null() ? Json{{"any", true}} : b;
  if (b.is_null()) return a;
  return {{"and_ids", {{"ids", Json::array({std::move(a), std::move(b)})}}}};
}

Json pathPrefix(const std::string& prefix) { return {{"url_path", {{"path", {{"prefix", prefix}}}}}}; }

// The requests a rule decides: its prefix, and none of the earlier rules' (the first
// matching rule decides, as in jwt_authn; RBAC policies have no order of their own).
Json decidedBy(const std::vector<std::string>& earlier, const std::string& prefix) {
  if (earlier.empty()) return prefix == "/" ? Json{{"any", true}} : pathPrefix(prefix);
  Json others = Json::array();
  for (const auto& p : earlier) others.push_back(pathPrefix(p));
  return {{"and_rules",
           {{"rules", Json::array({pathPrefix(prefix), {{"not_rule", {{"or_rules", {{"rules", others}}}}}}})}}}};
}

// One principal per caller, by its certificate.
Json callerPrincipals(const CallerIdentities& callers) {
  Json ids = Json::array();
  for (const auto& [name, id] : callers) ids.push_back({{"authenticated", {{"principal_name", {{"exact", id}}}}}});
  return ids;
}

// Any of them; null when there are none (anyone may call).
Json anyOf(const Json& principals) {
  if (principals.empty()) return nullptr;
  return principals.size() == 1 ? principals[0] : Json{{"or_ids", {{"ids", principals}}}};
}

}  // namespace

// The SPIFFE identity of each allowed caller (the URI SAN of its certificate).
CallerIdentities callerIdentities(const PaymentService& self, const std::map<std::string, std::string>& caller_accounts,
                                  const model::MeshConfig& mesh) {
  CallerIdentities out;
  for (const auto& caller : self.spec.allowed_callers) {
    auto it = caller_accounts.find(caller);
    std::string sa = it == caller_accounts.end() ? caller : it->second;
    out[caller] = pki::workloadSpiffeId(mesh.trust_domain, self.metadata.namespace_, sa);
  }
  return out;
}

// ALLOW rules: allowed callers by certificate and, where a token is required, the
// required claims of the verified token. Null when neither is asked for. A plain-text
// connection has no identity and matches no caller.
Json rbacRules(const PaymentService& self, const model::Port& port, const CallerIdentities& identities) {
  Json claims = port.protocol == Protocol::kTcp ? Json(nullptr) : requiredClaimsPrincipal(self);
  if (claims.is_null() && identities.empty()) return nullptr;
  Json principals = callerPrincipals(identities);
  Json callers = anyOf(principals);
  Json policies = Json::object();
  if (claims.is_null()) {
    policies["allowed-callers"] = {{"permissions", Json::array({{{"any", true}}})}, {"principals", principals}};
  } else {
    // Two policies, so the claims are written once per port whatever the number of
    // rules: the paths whose deciding rule needs no token (Exempt, AllowMissing) check
    // the caller only; every other path also the claims.
    std::vector<std::string> earlier;
    Json optional = Json::array();
    for (const auto& rule : model::rulesForPort(*self.spec.jwt, port.name)) {
      std::string prefix = model::rulePrefix(*self.spec.jwt, rule);
      if (rule.action != model::JwtRuleAction::kRequire) optional.push_back(decidedBy(earlier, prefix));
      earlier.push_back(prefix);
    }
    Json required_paths = Json{{"any", true}};
    if (!optional.empty()) {
      Json any_optional = optional.size() == 1 ? optional[0] : Json{{"or_rules", {{"rules", optional}}}};
      policies["token-optional-paths"] = {{"permissions", Json::array({any_optional})},
                                          {"principals", Json::array({allOf(callers, nullptr)})}};
      required_paths = {{"not_rule", any_optional}};
    }
    policies["token-required-paths"] = {{"permissions", Json::array({required_paths})},
                                        {"principals", Json::array({allOf(callers, claims)})}};
  }
  return {{"action", "ALLOW"}, {"policies", policies}};
}

}  // namespace paymesh::policy
