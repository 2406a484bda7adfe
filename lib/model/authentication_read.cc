// Readers of spec.authentication, spec.authorization.requiredClaims and
// spec.resilience.rateLimit from the schema-validated, defaulted object: every access
// below is type-safe because the schema walk has checked it.

#include "model/authentication.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

Nanos dur(const json& v) { return parseDuration(v.get<std::string>()).value(); }

std::vector<std::string> strings(const json& object, const char* field) {
  return object.contains(field) ? object.at(field).get<std::vector<std::string>>() : std::vector<std::string>{};
}

JwksSource readJwks(const json& jwks) {
  JwksSource out;
  for (auto [field, kind] : {std::pair{"configMap", JwksSourceKind::kConfigMap}, {"secret", JwksSourceKind::kSecret}}) {
    if (!jwks.contains(field)) continue;
    out.kind = kind;
    out.name = jwks.at(field).at("name").get<std::string>();
    out.key = jwks.at(field).at("key").get<std::string>();
    return out;
  }
  const json& remote = jwks.at("remote");
  out.kind = JwksSourceKind::kRemote;
  out.uri = remote.at("uri").get<std::string>();
  out.cache_duration = dur(remote.at("cacheDuration"));
  out.timeout = dur(remote.at("timeout"));
  return out;
}

JwtProvider readProvider(const json& p) {
  JwtProvider out;
  out.name = p.at("name").get<std::string>();
  out.issuer = p.at("issuer").get<std::string>();
  out.audiences = strings(p, "audiences");
  out.jwks = readJwks(p.at("jwks"));
  if (p.contains("fromHeaders"))
    for (const auto& h : p.at("fromHeaders"))
      out.from_headers.push_back({h.at("name").get<std::string>(), h.value("valuePrefix", "")});
  out.from_params = strings(p, "fromParams");
  out.forward = p.at("forward").get<bool>();
  if (p.contains("claimToHeaders"))
    for (const auto& c : p.at("claimToHeaders"))
      out.claim_to_headers.push_back({c.at("claim").get<std::string>(), c.at("header").get<std::string>()});
  return out;
}

JwtRule readRule(const json& r) {
  JwtRule out;
  out.ports = strings(r, "ports");
  out.path_prefix = r.at("pathPrefix").get<std::string>();
  std::string action = r.at("action").get<std::string>();
  out.action = action == "Exempt"         ? JwtRuleAction::kExempt
               : action == "AllowMissing" ? JwtRuleAction::kAllowMissing
                                          : JwtRuleAction::kRequire;
  out.providers = strings(r, "providers");
  return out;
}

}  // namespace

std::optional<JwtAuthentication> readJwtAuthentication(const json& spec) {
  if (!spec.contains("authentication") || !spec.at("authentication").contains("jwt")) return std::nullopt;
  const json& jwt = spec.at("authentication").at("jwt");
  JwtAuthentication out;
  for (const auto& p : jwt.at("providers")) out.providers.push_back(readProvider(p));
  if (jwt.contains("rules"))
    for (const auto& r : jwt.at("rules")) out.rules.push_back(readRule(r));
  return out;
}

std::vector<RequiredClaim> readRequiredClaims(const json& spec) {
  std::vector<RequiredClaim> out;
  if (!spec.contains("authorization") || !spec.at("authorization").contains("requiredClaims")) return out;
  for (const auto& c : spec.at("authorization").at("requiredClaims"))
    out.push_back({c.at("claim").get<std::string>(), strings(c, "values")});
  return out;
}

std::optional<RateLimit> readRateLimit(const json& resilience) {
  if (!resilience.contains("rateLimit")) return std::nullopt;
  const json& r = resilience.at("rateLimit");
  RateLimit out;
  out.requests_per_second = r.at("requestsPerSecond").get<int64_t>();
  out.burst = r.value("burst", out.requests_per_second);
  out.per_caller = r.at("perCaller").get<bool>();
  return out;
}

}  // namespace paymesh::model
