#include "policy/end_user_auth.h"

#include "base/duration.h"

namespace paymesh::policy {

using model::JwtRuleAction;
using model::PaymentService;

namespace {

// Envoy's default skew, said explicitly: `paymeshctl auth check` applies the same.
constexpr int kClockSkewSeconds = 60;

Json providerConfig(const PaymentService& self, const model::JwtProvider& p, const LocalJwks& jwks) {
  Json out = {{"issuer", p.issuer}, {"audiences", p.audiences}};
  if (p.jwks.kind == model::JwksSourceKind::kRemote) {
    out["remote_jwks"] = {
        {"http_uri",
         {{"uri", p.jwks.uri}, {"cluster", jwksCluster(p.name)}, {"timeout", formatProtoDuration(p.jwks.timeout)}}},
        {"cache_duration", formatProtoDuration(p.jwks.cache_duration)},
        // Fetched when the listener is created and again when the cache expires, not
        // on the first request after it, which would wait for the issuer.
        {"async_fetch", Json::object()},
        {"retry_policy", {{"num_retries", 3}}}};
  } else {
    out["local_jwks"] = {{"inline_string", jwks.at(p.name)}};
  }
  Json headers = Json::array();
  for (const auto& h : p.from_headers) {
    Json header = {{"name", h.name}};
    if (!h.value_prefix.empty()) header["value_prefix"] = h.value_prefix;
    headers.push_back(std::move(header));
  }
  // Said explicitly when nothing is given: Envoy's own default also reads the
  // access_token query parameter, and a token in a URL ends up in access logs.
  if (headers.empty() && p.from_params.empty())
    headers.push_back({{"name", "authorization"}, {"value_prefix", "Bearer "}});
  if (!headers.empty()) out["from_headers"] = headers;
  if (!p.from_params.empty()) out["from_params"] = p.from_params;
  out["forward"] = p.forward;
  if (!p.claim_to_headers.empty()) {
    Json claims = Json::array();
    for (const auto& c : p.claim_to_headers) claims.push_back({{"header_name", c.header}, {"claim_name", c.claim}});
    out["claim_to_headers"] = claims;
  }
  if (!self.spec.required_claims.empty()) out["payload_in_metadata"] = p.name;
  out["clock_skew_seconds"] = kClockSkewSeconds;
  return out;
}

Json requirement(const model::DecidingRule& rule) {
  Json any = Json::array();
  for (const auto& p : rule.providers) any.push_back({{"provider_name", p}});
  if (rule.action == JwtRuleAction::kAllowMissing) any.push_back({{"allow_missing", Json::object()}});
  if (any.size() == 1) return any[0];
  return {{"requires_any", {{"requirements", any}}}};
}

// RE2 text matching `value` as one space-separated word of a string claim.
std::string wordRegex(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return "(.* )?" + escaped + "( .*)?";
}

Json claimPath(const std::string& provider, const std::string& claim) {
  Json path = Json::array({{{"key", provider}}});
  size_t start = 0;
  for (;;) {
    size_t dot = claim.find('.', start);
    path.push_back({{"key", claim.substr(start, dot == std::string::npos ? std::string::npos : dot - start)}});
    if (dot == std::string::npos) return path;
    start = dot + 1;
  }
}

// The claim of `provider`'s payload holds `value`: as a list element or as a word.
Json claimHolds(const std::string& provider, const std::string& claim, const std::string& value) {
  auto metadata = [&](Json matcher) {
    return Json{
        {"metadata", {{"filter", kJwtMetadataNamespace}, {"path", claimPath(provider, claim)}, {"value", matcher}}}};
  };
  return {{"or_ids",
           {{"ids", Json::array({metadata({{"list_match", {{"one_of", {{"string_match", {{"exact", value}}}}}}}}),
                                 metadata({{"string_match", {{"safe_regex", {{"regex", wordRegex(value)}}}}}})})}}}};
}

struct UriParts {
  std::string host;
  int port = 443;
};

UriParts splitHttpsUri(const std::string& uri) {
  std::string rest = uri.substr(std::string("https://").size());
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  UriParts out{authority};
  if (size_t colon = authority.rfind(':'); colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = std::atoi(authority.substr(colon + 1).c_str());  // digits: the schema's format
  }
  return out;
}

Json jwksClusterFor(const model::JwtProvider& p) {
  UriParts uri = splitHttpsUri(p.jwks.uri);
  Json tls = {{"@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"},
              {"sni", uri.host},
              {"common_tls_context",
               {{"validation_context",
                 {{"trusted_ca", {{"filename", kPublicCaBundle}}},
                  {"match_typed_subject_alt_names",
                   Json::array({{{"san_type", "DNS"}, {"matcher", {{"exact", uri.host}}}}})}}}}}};
  return {
      {"@type", "type.googleapis.com/envoy.config.cluster.v3.Cluster"},
      {"name", jwksCluster(p.name)},
      {"type", "STRICT_DNS"},
      {"connect_timeout", formatProtoDuration(p.jwks.timeout)},
      {"dns_lookup_family", "V4_PREFERRED"},
      {"load_assignment",
       {{"cluster_name", jwksCluster(p.name)},
        {"endpoints",
         Json::array(
             {{{"lb_endpoints",
                Json::array({{{"endpoint",
                               {{"address",
                                 {{"socket_address", {{"address", uri.host}, {"port_value", uri.port}}}}}}}}})}}})}}},
      {"transport_socket", {{"name", "envoy.transport_sockets.tls"}, {"typed_config", std::move(tls)}}}};
}

}  // namespace

Result<Json> jwtAuthnFilter(const PaymentService& self, const model::Port& port, const LocalJwks& jwks) {
  const model::JwtAuthentication& jwt = *self.spec.jwt;
  Json providers = Json::object();
  for (const auto& p : jwt.providers) {
    if (p.jwks.kind != model::JwksSourceKind::kRemote && !jwks.count(p.name))
      return invalidArgument("provider " + p.name + ": no JWKS from " + model::toString(p.jwks.kind) + " " +
                             p.jwks.name);
    providers[p.name] = providerConfig(self, p, jwks);
  }
  Json rules = Json::array();
  for (const auto& rule : model::rulesForPort(jwt, port.name)) {
    Json r = {{"match", {{"prefix", model::rulePrefix(jwt, rule)}}}};
    if (rule.action != JwtRuleAction::kExempt) r["requires"] = requirement(rule);
    rules.push_back(std::move(r));
  }
  return Json{{"name", "envoy.filters.http.jwt_authn"},
              {"typed_config",
               {{"@type", "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"},
                {"providers", providers},
                {"rules", rules}}}};
}

Json jwksClusters(const PaymentService& self) {
  Json out = Json::array();
  if (!self.spec.jwt) return out;
  for (const auto& p : self.spec.jwt->providers)
    if (p.jwks.kind == model::JwksSourceKind::kRemote) out.push_back(jwksClusterFor(p));
  return out;
}

Json requiredClaimsPrincipal(const PaymentService& self) {
  if (self.spec.required_claims.empty() || !self.spec.jwt) return nullptr;
  Json all = Json::array();
  for (const auto& claim : self.spec.required_claims) {
    for (const auto& value : claim.values) {
      Json any_provider = Json::array();
      for (const auto& p : self.spec.jwt->providers) any_provider.push_back(claimHolds(p.name, claim.claim, value));
      all.push_back(any_provider.size() == 1 ? any_provider[0] : Json{{"or_ids", {{"ids", any_provider}}}});
    }
  }
  return all.size() == 1 ? all[0] : Json{{"and_ids", {{"ids", all}}}};
}

}  // namespace paymesh::policy
