#include "auth/access.h"

#include "base/quote.h"

namespace paymesh::auth {
namespace {

using model::JwtRuleAction;

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

Verdict& decide(Verdict& v, bool accepted, std::string reason) {
  v.accepted = accepted;
  v.reason = std::move(reason);
  return v;
}

std::string ruleLine(const model::JwtAuthentication& jwt, const model::DecidingRule& d, const std::string& port,
                     const std::string& path) {
  std::string what = model::toString(d.action);
  if (d.action != JwtRuleAction::kExempt) what += " a token from " + join(d.providers);
  if (!d.index) return "no rule matches port " + port + " at " + path + ": the default decides: " + what;
  const model::JwtRule& r = jwt.rules[*d.index];
  return "rule rules[" + std::to_string(*d.index) + "] (ports: " + (r.ports.empty() ? "any" : join(r.ports)) +
         ", pathPrefix: " + r.path_prefix + ") decides: " + what;
}

// The rule's providers, those whose issuer is the token's iss first when there are several.
std::vector<const model::JwtProvider*> candidates(const model::JwtAuthentication& jwt,
                                                  const std::vector<std::string>& names, const Jws& token, Verdict& v) {
  std::vector<const model::JwtProvider*> all, by_issuer;
  const auto iss = token.payload.find("iss");
  for (const auto& name : names) {
    for (const auto& p : jwt.providers) {
      if (p.name != name) continue;
      all.push_back(&p);
      if (iss != token.payload.end() && iss->is_string() && *iss == p.issuer) by_issuer.push_back(&p);
    }
  }
  if (all.size() > 1 && !by_issuer.empty()) {
    v.steps.push_back("provider " + by_issuer.front()->name + " chosen by the token's issuer");
    return by_issuer;
  }
  return all;
}

// Whether the token is valid for one of the providers; each attempt's checks become steps.
bool verifyForAny(const model::JwtAuthentication& jwt, const std::vector<std::string>& names, const Jws& token,
                  const JwksByProvider& jwks, TimePoint now, Verdict& v) {
  std::vector<std::string> failures;
  const auto tried = candidates(jwt, names, token, v);
  for (const model::JwtProvider* p : tried) {
    const std::string prefix = "provider " + p->name + ": ";
    auto keys = jwks.find(p->name);
    Checks checks;
    if (keys == jwks.end()) {
      checks.failure = "no JWKS for it";
    } else {
      checks = verifyJwt(token, *p, keys->second, now);
    }
    for (const auto& line : checks.passed) v.steps.push_back(prefix + line);
    if (checks.ok()) return true;
    if (tried.size() > 1) v.steps.push_back(prefix + checks.failure);
    failures.push_back(prefix + checks.failure);
  }
  if (tried.empty()) failures.push_back("no provider declared for the rule");
  decide(v, false, join(failures, "; "));
  return false;
}

Verdict& checkToken(const model::PaymentService& service, const model::DecidingRule& rule, const std::string& token,
                    const JwksByProvider& jwks, TimePoint now, Verdict& v) {
  auto jws = decodeJws(token);
  if (!jws) return decide(v, false, "malformed token: " + jws.status().message());
  if (!verifyForAny(*service.spec.jwt, rule.providers, *jws, jwks, now, v)) return v;
  if (rule.action != JwtRuleAction::kRequire) {
    if (!service.spec.required_claims.empty()) v.steps.push_back("required claims are checked on Require rules only");
    return decide(v, true, "valid token");
  }
  Checks claims = checkRequiredClaims(jws->payload, service.spec.required_claims);
  for (const auto& line : claims.passed) v.steps.push_back(line);
  if (!claims.ok()) return decide(v, false, claims.failure);
  return decide(v, true, "valid token");
}

const model::Port* findPort(const model::PaymentService& service, const std::string& name) {
  for (const auto& p : service.spec.ports) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Routes match the path without its query or fragment.
std::string routePath(const std::string& path) { return path.substr(0, path.find_first_of("?#")); }

}  // namespace

Verdict checkAccess(const model::PaymentService& service, const std::string& port, const std::string& path,
                    const std::optional<std::string>& token, const JwksByProvider& jwks, TimePoint now) {
  Verdict v;
  const std::string id = service.metadata.namespace_ + "/" + service.metadata.name;
  const model::Port* p = findPort(service, port);
  if (p == nullptr) return decide(v, false, id + " has no port named " + quoteUntrusted(port));
  if (!service.spec.jwt) {
    v.steps.push_back(id + " declares no spec.authentication.jwt: end-user tokens are not checked");
    return decide(v, true, "no end-user authentication");
  }
  if (p->protocol == model::Protocol::kTcp) {
    v.steps.push_back("port " + port + " is TCP: the sidecar authenticates no end user there");
    return decide(v, true, "no end-user authentication on a TCP port");
  }
  const std::string route = routePath(path);
  const model::DecidingRule rule = model::decidingRule(*service.spec.jwt, port, route);
  v.steps.push_back(ruleLine(*service.spec.jwt, rule, port, route));
  if (rule.action == JwtRuleAction::kExempt) return decide(v, true, "exempt: no token is checked");
  if (!token) {
    if (rule.action == JwtRuleAction::kAllowMissing) return decide(v, true, "no token, and the rule allows none");
    return decide(v, false, "no token: the rule requires one from " + join(rule.providers));
  }
  return checkToken(service, rule, *token, jwks, now, v);
}

std::vector<std::string> providersToVerify(const model::PaymentService& service, const std::string& port,
                                           const std::string& path, bool has_token) {
  const model::Port* p = findPort(service, port);
  if (!has_token || !service.spec.jwt || p == nullptr || p->protocol == model::Protocol::kTcp) return {};
  const model::DecidingRule rule = model::decidingRule(*service.spec.jwt, port, routePath(path));
  if (rule.action == JwtRuleAction::kExempt) return {};
  return rule.providers;
}

}  // namespace paymesh::auth
