#include "auth/access.h"

#include <gtest/gtest.h>

#include "support/token_maker.h"

namespace paymesh::auth {
namespace {

using model::JwtRuleAction;
using nlohmann::json;
using testing::makeToken;
using testing::SigningKey;

constexpr int64_t kNow = 1796126400;  // 2026-12-01T12:00:00Z
const TimePoint kNowTime{std::chrono::seconds(kNow)};

const SigningKey& idpKey() {
  static const SigningKey kKey = SigningKey::rsa("idp-1");
  return kKey;
}
const SigningKey& partnerKey() {
  static const SigningKey kKey = SigningKey::ec("partner-1");
  return kKey;
}

model::JwtProvider provider(const std::string& name, const std::string& issuer) {
  model::JwtProvider p;
  p.name = name;
  p.issuer = issuer;
  p.audiences = {"payments-api"};
  return p;
}

model::JwtRule rule(std::vector<std::string> ports, const std::string& prefix, JwtRuleAction action,
                    std::vector<std::string> providers = {}) {
  model::JwtRule r;
  r.ports = std::move(ports);
  r.path_prefix = prefix;
  r.action = action;
  r.providers = std::move(providers);
  return r;
}

model::Port port(const std::string& name, int32_t number, model::Protocol protocol) {
  model::Port p;
  p.name = name;
  p.port = number;
  p.protocol = protocol;
  return p;
}

// The service of the CLI fixtures: Exempt /healthz on http, AllowMissing /public
// anywhere, Require from idp on http; a scope required.
model::PaymentService payment() {
  model::PaymentService s;
  s.metadata.name = "payment";
  s.metadata.namespace_ = "payments";
  s.spec.ports = {port("http", 8080, model::Protocol::kHttp), port("admin", 9090, model::Protocol::kHttp),
                  port("tcp", 7000, model::Protocol::kTcp)};
  model::JwtAuthentication jwt;
  jwt.providers = {provider("idp", "https://idp.example.com")};
  jwt.rules = {rule({"http"}, "/healthz", JwtRuleAction::kExempt), rule({}, "/public", JwtRuleAction::kAllowMissing),
               rule({"http"}, "/", JwtRuleAction::kRequire, {"idp"})};
  s.spec.jwt = jwt;
  model::RequiredClaim scope;
  scope.claim = "scope";
  scope.values = {"payments:write"};
  s.spec.required_claims = {scope};
  return s;
}

JwksByProvider jwks() {
  return {{"idp", *parseJwks(testing::jwksText({idpKey().jwk()}))},
          {"partner", *parseJwks(testing::jwksText({partnerKey().jwk()}))}};
}

json claims(const std::string& iss = "https://idp.example.com", const std::string& scope = "payments:write") {
  return {{"iss", iss}, {"aud", "payments-api"}, {"exp", kNow + 600}, {"scope", scope}};
}

json with(json j, const std::string& member, json value) {
  j[member] = std::move(value);
  return j;
}

std::string idpToken(const json& c = claims()) { return makeToken(idpKey(), "RS256", c); }

Verdict check(const model::PaymentService& s, const std::string& port, const std::string& path,
              std::optional<std::string> token) {
  return checkAccess(s, port, path, token, jwks(), kNowTime);
}

TEST(CheckAccessTest, RequireWithAValidTokenAndItsScope) {
  auto v = check(payment(), "http", "/payments", idpToken());
  EXPECT_TRUE(v.accepted) << v.reason;
  EXPECT_EQ(v.reason, "valid token");
  EXPECT_EQ(v.steps, (std::vector<std::string>{
                         "rule rules[2] (ports: http, pathPrefix: /) decides: Require a token from idp",
                         "provider idp: alg RS256",
                         "provider idp: issuer \"https://idp.example.com\" ok",
                         "provider idp: audience \"payments-api\" ok",
                         "provider idp: signature ok (RS256, key \"idp-1\")",
                         "provider idp: valid until 2026-12-01T12:10:00Z (now 2026-12-01T12:00:00Z, 60s clock skew "
                         "allowed)",
                         "claim scope has payments:write",
                     }));
}

TEST(CheckAccessTest, RequireRejectsMissingOrInvalidTokensAndMissingClaims) {
  auto none = check(payment(), "http", "/payments", std::nullopt);
  EXPECT_FALSE(none.accepted);
  EXPECT_EQ(none.reason, "no token: the rule requires one from idp");
  auto expired = check(payment(), "http", "/payments", idpToken(with(claims(), "exp", kNow - 120)));
  EXPECT_FALSE(expired.accepted);
  EXPECT_EQ(expired.reason,
            "provider idp: expired at 2026-12-01T11:58:00Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)");
  auto read_only = check(payment(), "http", "/payments", idpToken(claims("https://idp.example.com", "payments:read")));
  EXPECT_FALSE(read_only.accepted);
  EXPECT_EQ(read_only.reason, "claim \"scope\" lacks \"payments:write\"");
  auto malformed = check(payment(), "http", "/payments", "abc.def");
  EXPECT_FALSE(malformed.accepted);
  EXPECT_EQ(malformed.reason, "malformed token: a JWT has three base64url parts separated by dots, got 2");
}

TEST(CheckAccessTest, ExemptPathNeedsNoToken) {
  auto v = check(payment(), "http", "/healthz/ready?probe=1", std::nullopt);
  EXPECT_TRUE(v.accepted);
  EXPECT_EQ(v.reason, "exempt: no token is checked");
  EXPECT_EQ(v.steps, std::vector<std::string>{"rule rules[0] (ports: http, pathPrefix: /healthz) decides: Exempt"});
  EXPECT_TRUE(check(payment(), "http", "/healthz", "garbage").accepted);  // not even looked at
}

TEST(CheckAccessTest, AllowMissingAcceptsNoTokenButNotABadOne) {
  auto none = check(payment(), "admin", "/public/rates", std::nullopt);
  EXPECT_TRUE(none.accepted);
  EXPECT_EQ(none.steps.front(),
            "rule rules[1] (ports: any, pathPrefix: /public) decides: AllowMissing a token from idp");
  EXPECT_EQ(none.reason, "no token, and the rule allows none");
  auto bad = check(payment(), "http", "/public", idpToken(with(claims(), "aud", "x")));
  EXPECT_FALSE(bad.accepted);
  EXPECT_EQ(bad.reason, "provider idp: audience \"x\" is none of provider idp's audiences (payments-api)");
  // Required claims apply on Require rules only.
  auto no_scope = check(payment(), "http", "/public", idpToken(claims("https://idp.example.com", "")));
  EXPECT_TRUE(no_scope.accepted) << no_scope.reason;
  EXPECT_EQ(no_scope.steps.back(), "required claims are checked on Require rules only");
}

TEST(CheckAccessTest, RuleOnAnotherPortDoesNotApply) {
  // /healthz is exempt on http only: on admin the default requires a token.
  auto v = check(payment(), "admin", "/healthz", std::nullopt);
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.steps.front(), "no rule matches port admin at /healthz: the default decides: Require a token from idp");
  EXPECT_EQ(v.reason, "no token: the rule requires one from idp");
  EXPECT_TRUE(check(payment(), "admin", "/healthz", idpToken()).accepted);
}

TEST(CheckAccessTest, ProviderChosenByIssuerOrEachFailureReported) {
  auto s = payment();
  s.spec.jwt->providers.push_back(provider("partner", "https://partner.example.com"));
  s.spec.jwt->rules[2].providers.clear();  // any provider
  auto partner = check(s, "http", "/pay", makeToken(partnerKey(), "ES256", claims("https://partner.example.com")));
  EXPECT_TRUE(partner.accepted) << partner.reason;
  EXPECT_EQ(partner.steps[1], "provider partner chosen by the token's issuer");
  auto stranger = check(s, "http", "/pay", idpToken(claims("https://stranger.example.com")));
  EXPECT_FALSE(stranger.accepted);
  EXPECT_EQ(stranger.reason,
            "provider idp: issuer \"https://stranger.example.com\" is not provider idp's \"https://idp.example.com\"; "
            "provider partner: issuer \"https://stranger.example.com\" is not provider partner's "
            "\"https://partner.example.com\"");
  // A token of the right issuer signed by the other provider's key.
  auto forged = check(s, "http", "/pay", makeToken(partnerKey(), "ES256", claims("https://idp.example.com")));
  EXPECT_FALSE(forged.accepted);
  EXPECT_EQ(forged.reason, "provider idp: unknown kid \"partner-1\": provider idp's keys are \"idp-1\"");
}

TEST(CheckAccessTest, ProviderWithoutKeysFails) {
  auto v = checkAccess(payment(), "http", "/", idpToken(), {}, kNowTime);
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.reason, "provider idp: no JWKS for it");
}

TEST(CheckAccessTest, ServiceWithoutJwtOrTcpPortChecksNoToken) {
  auto s = payment();
  EXPECT_TRUE(check(s, "tcp", "/", std::nullopt).accepted);
  EXPECT_EQ(check(s, "tcp", "/", std::nullopt).steps.front(),
            "port tcp is TCP: the sidecar authenticates no end user there");
  s.spec.jwt.reset();
  auto v = check(s, "http", "/payments", std::nullopt);
  EXPECT_TRUE(v.accepted);
  EXPECT_EQ(v.steps.front(), "payments/payment declares no spec.authentication.jwt: end-user tokens are not checked");
  auto unknown = check(s, "grpc", "/", std::nullopt);
  EXPECT_FALSE(unknown.accepted);
  EXPECT_EQ(unknown.reason, "payments/payment has no port named \"grpc\"");
}

TEST(ProvidersToVerifyTest, OnlyWhereATokenIsChecked) {
  const auto s = payment();
  EXPECT_EQ(providersToVerify(s, "http", "/payments", true), std::vector<std::string>{"idp"});
  EXPECT_EQ(providersToVerify(s, "http", "/public", true), std::vector<std::string>{"idp"});
  EXPECT_TRUE(providersToVerify(s, "http", "/payments", false).empty());
  EXPECT_TRUE(providersToVerify(s, "http", "/healthz?x", true).empty());
  EXPECT_TRUE(providersToVerify(s, "tcp", "/", true).empty());
  EXPECT_TRUE(providersToVerify(s, "grpc", "/", true).empty());
}

}  // namespace
}  // namespace paymesh::auth
