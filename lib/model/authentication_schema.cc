#include "model/authentication_schema.h"

#include "model/authentication.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

SchemaPtr withMax(SchemaPtr x, int64_t max, const char* list_type = "") {
  return s::with(x, [&](Schema& m) {
    m.max_items = max;
    m.list_type = list_type;
  });
}

// A set of 1 to 16 strings of 1 to 256 characters: audiences, claim values.
SchemaPtr textSet(const char* description, const char* item) {
  return s::with(s::array(description, s::with(s::string(item),
                                               [](Schema& m) {
                                                 m.min_length = 1;
                                                 m.max_length = 256;
                                               })),
                 [](Schema& m) {
                   m.min_items = 1;
                   m.max_items = 16;
                   m.list_type = "set";
                 });
}

SchemaPtr objectReference(const char* what) {
  return s::object(std::string("A key of a ") + what + " in the service's namespace.",
                   {{"name", s::string(std::string(what) + " name.", Format::kDns1123Subdomain)},
                    {"key", s::withDefault(s::with(s::string("Key that holds the JWKS (default jwks.json)."),
                                                   [](Schema& m) {
                                                     m.min_length = 1;
                                                     m.max_length = 253;
                                                   }),
                                           kDefaultJwksKey)}},
                   {"name"});
}

SchemaPtr jwksSchema() {
  auto remote =
      s::object("A JWKS the sidecar fetches from the issuer over HTTPS (through its own cluster) and caches.",
                {{"uri", s::string("HTTPS URI of the JWKS.", Format::kHttpsUrl)},
                 {"cacheDuration", s::withDefault(s::duration("How long fetched keys are kept.", "1s", "24h"), "5m")},
                 {"timeout", s::withDefault(s::duration("Timeout of one fetch.", "10ms", "1m"), "1s")}},
                {"uri"});
  return s::object(
      "Where the keys that verify tokens come from: exactly one of configMap, secret and remote.",
      {{"configMap", objectReference("ConfigMap")}, {"secret", objectReference("Secret")}, {"remote", remote}});
}

SchemaPtr providerSchema() {
  auto header = s::object("A request header that carries the token.",
                          {{"name", s::string("Header name, lowercase.", Format::kHttpHeaderName)},
                           {"valuePrefix", s::with(s::string("Text before the token, such as \"Bearer \"."),
                                                   [](Schema& m) { m.max_length = 64; })}},
                          {"name"});
  auto claim_to_header = s::object("A verified claim passed to the application as a request header.",
                                   {{"claim", s::string("Claim name; dots name nested claims.", Format::kClaimName)},
                                    {"header", s::string("Header name, lowercase.", Format::kHttpHeaderName)}},
                                   {"claim", "header"});
  auto audiences = textSet("Audiences a token must name one of (its aud claim).", "An audience.");
  return s::object(
      "An issuer of end-user tokens.",
      {{"name", s::string("Provider name, unique in the list.", Format::kDns1123Label)},
       {"issuer", s::string("The iss claim a token must carry: the issuer's URL.", Format::kUrl)},
       {"audiences", audiences},
       {"jwks", jwksSchema()},
       {"fromHeaders",
        withMax(s::array("Headers the token is read from (default: authorization, after \"Bearer \").", header), 8)},
       {"fromParams", withMax(s::array("Query parameters the token is read from (default: none).",
                                       s::string("A parameter name.", Format::kQueryParam)),
                              8, "set")},
       {"forward", s::withDefault(s::boolean("Keep the token on the request to the application."), false)},
       {"claimToHeaders", withMax(s::array("Verified claims passed to the application.", claim_to_header), 16)}},
      {"name", "issuer", "audiences", "jwks"});
}

SchemaPtr ruleSchema() {
  return s::object(
      "Which requests need a token. The first rule whose ports and pathPrefix match a request decides; a "
      "request no rule matches needs a valid token.",
      {{"ports", withMax(s::array("Port names the rule applies to (default: every HTTP and GRPC port).",
                                  s::string("A port name.", Format::kDns1123Label)),
                         16, "set")},
       {"pathPrefix",
        s::withDefault(s::string("Path prefix of the requests the rule applies to.", Format::kPathPrefix), "/")},
       {"action", s::withDefault(s::enumeration("Require a valid token; AllowMissing lets a request without one "
                                                "through (a bad token is still refused); Exempt checks nothing.",
                                                {"Require", "AllowMissing", "Exempt"}),
                                 "Require")},
       {"providers", withMax(s::array("Providers whose tokens the rule accepts (default: any).",
                                      s::string("A provider name.", Format::kDns1123Label)),
                             8, "set")}});
}

}  // namespace

SchemaPtr authenticationSchema() {
  auto providers = s::with(s::array("Token issuers.", providerSchema()), [](Schema& m) {
    m.min_items = 1;
    m.max_items = 8;
    m.list_type = "map";
    m.list_map_keys = {"name"};
    // On the list, not on each item: an error then names the list, as the API server does.
    m.rules.push_back({"jwks-exactly-one",
                       "self.all(p, (has(p.jwks.configMap) ? 1 : 0) + (has(p.jwks.secret) ? 1 : 0) + "
                       "(has(p.jwks.remote) ? 1 : 0) == 1)",
                       "each provider's jwks must set exactly one of configMap, secret and remote", ""});
  });
  auto jwt =
      s::with(s::object("End-user JWT verification on the inbound side, before caller authorization.",
                        {{"providers", providers}, {"rules", withMax(s::array("Rules, in order.", ruleSchema()), 64)}},
                        {"providers"}),
              [](Schema& m) {
                m.rules.push_back({"jwt-rule-providers-declared",
                                   "!has(self.rules) || self.rules.all(r, !has(r.providers) || r.providers.all(p, "
                                   "self.providers.exists(q, q.name == p)))",
                                   "every provider a rule names must be one of providers", ".rules"});
              });
  return s::object("Who the end user is: tokens the sidecar verifies before the application sees a request.",
                   {{"jwt", jwt}});
}

SchemaPtr requiredClaimsSchema() {
  auto values = textSet("Values the claim must contain, every one.", "A value.");
  auto claim =
      s::object("A claim a verified token must carry (a string claim is read as space-separated words, as scope).",
                {{"claim", s::string("Claim name; dots name nested claims.", Format::kClaimName)}, {"values", values}},
                {"claim", "values"});
  return s::with(s::array("Claims a token must carry where a rule requires one (needs authentication.jwt).", claim),
                 [](Schema& m) {
                   m.max_items = 16;
                   m.list_type = "map";
                   m.list_map_keys = {"claim"};
                 });
}

SchemaPtr rateLimitSchema() {
  return s::with(
      s::object("A token bucket per pod on the inbound side: requests over it are answered 429 with retry-after "
                "(connections, on a TCP port).",
                {{"requestsPerSecond", s::integer("Requests admitted a second.", 1, 1000000)},
                 {"burst", s::integer("Requests that may arrive at once (default: requestsPerSecond).", 1, 10000000)},
                 {"perCaller",
                  s::withDefault(s::boolean("One bucket per calling PaymentService (by its certificate identity); "
                                            "callers it does not know share one."),
                                 false)}},
                {"requestsPerSecond"}),
      [](Schema& m) {
        m.rules.push_back({"ratelimit-burst", "!has(self.burst) || self.burst >= self.requestsPerSecond",
                           "burst must be at least requestsPerSecond", ".burst"});
      });
}

std::vector<CelRule> authenticationSpecRules() {
  const std::string no_jwt = "!has(self.authentication) || !has(self.authentication.jwt)";
  return {
      {"jwt-rule-ports-exist",
       no_jwt + " || !has(self.authentication.jwt.rules) || self.authentication.jwt.rules.all(r, !has(r.ports) || "
                "r.ports.all(p, self.ports.exists(q, q.name == p && q.protocol != 'TCP')))",
       "every port a rule names must be an HTTP or GRPC port of the service", ".authentication.jwt.rules"},
      {"jwt-needs-http-port", no_jwt + " || self.ports.exists(p, p.protocol != 'TCP')",
       "authentication.jwt needs an HTTP or GRPC port: tokens are read from requests", ".authentication.jwt"},
      {"jwt-needs-inbound", no_jwt + " || self.tls.mode != 'DISABLE'",
       "authentication.jwt needs tls.mode STRICT or PERMISSIVE: the sidecar's inbound listener checks tokens, and "
       "DISABLE turns it off",
       ".authentication.jwt"},
      {"required-claims-need-jwt",
       "!has(self.authorization) || !has(self.authorization.requiredClaims) || "
       "size(self.authorization.requiredClaims) == 0 || (has(self.authentication) && has(self.authentication.jwt))",
       "authorization.requiredClaims needs authentication.jwt: claims are read from verified tokens",
       ".authorization.requiredClaims"},
      {"ratelimit-needs-inbound", "!has(self.resilience.rateLimit) || self.tls.mode != 'DISABLE'",
       "resilience.rateLimit needs tls.mode STRICT or PERMISSIVE: the sidecar's inbound listener applies it, and "
       "DISABLE turns it off",
       ".resilience.rateLimit"},
      {"ratelimit-per-caller-needs-callers",
       "!has(self.resilience.rateLimit) || !self.resilience.rateLimit.perCaller || (has(self.authorization) && "
       "has(self.authorization.allowedCallers) && size(self.authorization.allowedCallers) > 0)",
       "resilience.rateLimit.perCaller needs authorization.allowedCallers: each caller named there gets a bucket",
       ".resilience.rateLimit.perCaller"},
  };
}

}  // namespace paymesh::model
