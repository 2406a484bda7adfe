#include "auth/jwt.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "support/token_maker.h"

namespace paymesh::auth {
namespace {

using nlohmann::json;
using testing::makeToken;
using testing::SigningKey;

constexpr int64_t kNow = 1796126400;  // 2026-12-01T12:00:00Z
const TimePoint kNowTime{std::chrono::seconds(kNow)};

struct Keys {
  SigningKey rsa = SigningKey::rsa("rsa-1");
  SigningKey ec = SigningKey::ec("ec-1");
  SigningKey ec384 = SigningKey::ec("ec-384", "P-384");
  SigningKey other = SigningKey::rsa("rsa-1");  // same kid, not published
};

const Keys& keys() {
  static const Keys kKeys;
  return kKeys;
}

const Jwks& published() {
  static const Jwks kJwks = *parseJwks(testing::jwksText({keys().rsa.jwk(), keys().ec.jwk(), keys().ec384.jwk()}));
  return kJwks;
}

model::JwtProvider idp() {
  model::JwtProvider p;
  p.name = "idp";
  p.issuer = "https://idp.example.com";
  p.audiences = {"payments-api"};
  return p;
}

json claims() {
  return {{"iss", "https://idp.example.com"},
          {"aud", "payments-api"},
          {"sub", "user-1"},
          {"iat", kNow - 60},
          {"exp", kNow + 3600},
          {"scope", "payments:read payments:write"}};
}

json with(json j, const std::string& member, json value) {
  j[member] = std::move(value);
  return j;
}

Checks verify(const std::string& token, const model::JwtProvider& provider = idp()) {
  auto jws = decodeJws(token);
  if (!jws) return {{}, "decode: " + jws.status().message()};
  return verifyJwt(*jws, provider, published(), kNowTime);
}

std::string decodeError(const std::string& token) {
  auto jws = decodeJws(token);
  return jws.isOk() ? "decoded" : jws.status().message();
}

TEST(DecodeJwsTest, SplitsAndDecodesThreeParts) {
  const std::string token = makeToken(keys().ec, "ES256", claims());
  auto jws = decodeJws(token);
  ASSERT_TRUE(jws.isOk()) << jws.status().message();
  EXPECT_EQ(jws->header, (json{{"alg", "ES256"}, {"kid", "ec-1"}}));
  EXPECT_EQ(jws->payload, claims());
  EXPECT_EQ(jws->signing_input, token.substr(0, token.rfind('.')));
  EXPECT_EQ(jws->signature.size(), 64u);
}

TEST(DecodeJwsTest, SaysWhichPartIsMalformed) {
  const std::string header = testing::encodePart({{"alg", "RS256"}});
  const std::string payload = testing::encodePart(claims());
  EXPECT_EQ(decodeError(header + "." + payload), "a JWT has three base64url parts separated by dots, got 2");
  EXPECT_EQ(decodeError("a.b.c.d.e"), "an encrypted token (JWE, five parts) is not a signed JWT");
  EXPECT_EQ(decodeError("eyJ+bGciOiJSUzI1NiJ9." + payload + ".c2ln"),
            "header: not base64url: invalid base64url character at offset 3");
  EXPECT_EQ(decodeError(header + ".e30=.c2ln"), "payload: not base64url: invalid base64url character at offset 3");
  EXPECT_EQ(decodeError(header + "." + base64UrlEncode("{\"iss\": ") + ".c2ln"), "payload: not JSON (at byte 9)");
  EXPECT_EQ(decodeError(testing::encodePart(json::array()) + "." + payload + ".c2ln"), "header: must be a JSON object");
  EXPECT_EQ(decodeError(header + "." + payload + ".c2l*"),
            "signature: not base64url: invalid base64url character at offset 3");
}

TEST(VerifyJwtTest, ValidTokensOfEveryKeyType) {
  const std::vector<std::pair<const SigningKey*, std::string>> cases = {
      {&keys().rsa, "RS256"}, {&keys().rsa, "RS384"}, {&keys().rsa, "RS512"},  {&keys().rsa, "PS256"},
      {&keys().rsa, "PS512"}, {&keys().ec, "ES256"},  {&keys().ec384, "ES384"}};
  for (const auto& [key, alg] : cases) {
    auto checks = verify(makeToken(*key, alg, claims()));
    EXPECT_TRUE(checks.ok()) << alg << ": " << checks.failure;
  }
  auto rs = verify(makeToken(keys().rsa, "RS256", claims()));
  EXPECT_EQ(rs.passed, (std::vector<std::string>{
                           "alg RS256", "issuer \"https://idp.example.com\" ok", "audience \"payments-api\" ok",
                           "signature ok (RS256, key \"rsa-1\")",
                           "valid until 2026-12-01T13:00:00Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)"}));
}

TEST(VerifyJwtTest, ExpiryAndNotBeforeWithSixtySecondsOfSkew) {
  auto expired = verify(makeToken(keys().rsa, "RS256", with(claims(), "exp", kNow - 61)));
  EXPECT_EQ(expired.failure, "expired at 2026-12-01T11:58:59Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)");
  EXPECT_TRUE(verify(makeToken(keys().rsa, "RS256", with(claims(), "exp", kNow - 60))).ok());
  auto early = verify(makeToken(keys().ec, "ES256", with(claims(), "nbf", kNow + 61)));
  EXPECT_EQ(early.failure, "not valid before 2026-12-01T12:01:01Z (now 2026-12-01T12:00:00Z, 60s clock skew allowed)");
  EXPECT_TRUE(verify(makeToken(keys().ec, "ES256", with(claims(), "nbf", kNow + 60))).ok());
  json no_exp = claims();
  no_exp.erase("exp");
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", no_exp)).failure,
            "the token has no exp: a token without expiry is never accepted");
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", with(claims(), "exp", "tomorrow"))).failure,
            "exp must be a number of seconds since 1970");
  EXPECT_TRUE(verify(makeToken(keys().rsa, "RS256", with(claims(), "exp", kNow + 0.5))).ok());
}

TEST(VerifyJwtTest, AudienceMustBeOneOfTheProviders) {
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", with(claims(), "aud", "ledger-api"))).failure,
            "audience \"ledger-api\" is none of provider idp's audiences (payments-api)");
  EXPECT_TRUE(verify(makeToken(keys().rsa, "RS256", with(claims(), "aud", json{"ledger-api", "payments-api"}))).ok());
  // Compared as Envoy compares them: without scheme and trailing slash.
  EXPECT_TRUE(verify(makeToken(keys().rsa, "RS256", with(claims(), "aud", "https://payments-api/"))).ok());
  json no_aud = claims();
  no_aud.erase("aud");
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", no_aud)).failure,
            "the token has no aud; it must name one of provider idp's audiences (payments-api)");
  auto any = idp();
  any.audiences.clear();
  auto checks = verify(makeToken(keys().rsa, "RS256", no_aud), any);
  EXPECT_TRUE(checks.ok()) << checks.failure;
  EXPECT_EQ(checks.passed[2], "audience not checked: provider idp lists none");
}

TEST(VerifyJwtTest, IssuerMustBeTheProviders) {
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", with(claims(), "iss", "https://evil.example.com"))).failure,
            "issuer \"https://evil.example.com\" is not provider idp's \"https://idp.example.com\"");
  json no_iss = claims();
  no_iss.erase("iss");
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", no_iss)).failure,
            "the token has no iss; provider idp expects https://idp.example.com");
}

TEST(VerifyJwtTest, TamperedPayloadFailsTheSignature) {
  const std::string token = makeToken(keys().rsa, "RS256", claims());
  const std::string tampered = token.substr(0, token.find('.') + 1) +
                               testing::encodePart(with(claims(), "sub", "admin")) + token.substr(token.rfind('.'));
  EXPECT_EQ(verify(tampered).failure, "signature does not verify with key \"rsa-1\"");
  const std::string ec = makeToken(keys().ec, "ES256", claims());
  const std::string ec_tampered =
      ec.substr(0, ec.find('.') + 1) + testing::encodePart(with(claims(), "sub", "admin")) + ec.substr(ec.rfind('.'));
  EXPECT_EQ(verify(ec_tampered).failure, "signature does not verify with key \"ec-1\"");
  // Signed by a key of the same kid that the provider does not publish.
  EXPECT_EQ(verify(makeToken(keys().other, "RS256", claims())).failure, "signature does not verify with key \"rsa-1\"");
}

TEST(VerifyJwtTest, KeyChoiceByKidOrByAlgorithm) {
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", claims(), {{"kid", "rsa-9"}})).failure,
            "unknown kid \"rsa-9\": provider idp's keys are \"rsa-1\", \"ec-1\", \"ec-384\"");
  EXPECT_EQ(verify(makeToken(keys().rsa, "RS256", claims(), {{"kid", "ec-1"}})).failure,
            "key \"ec-1\" does not fit RS256");
  // Without a kid every key that fits is tried: ES384 fits only ec-384.
  auto no_kid = verify(makeToken(keys().ec384, "ES384", claims(), {{"kid", nullptr}}));
  EXPECT_TRUE(no_kid.ok()) << no_kid.failure;
  EXPECT_EQ(no_kid.passed[3], "signature ok (ES384, key \"ec-384\")");
  EXPECT_EQ(verify(makeToken(keys().other, "PS256", claims(), {{"kid", nullptr}})).failure,
            "signature does not verify with key \"rsa-1\"");
  EXPECT_EQ(verify(makeToken(SigningKey::ec("", "P-521"), "ES512", claims())).failure,
            "no key of provider idp fits ES512");
}

TEST(VerifyJwtTest, UnsignedAndSharedSecretTokensAreNeverAccepted) {
  const std::string payload = testing::encodePart(claims());
  EXPECT_EQ(verify(testing::encodePart({{"alg", "none"}}) + "." + payload + ".").failure,
            "alg \"none\": an unsigned token is never accepted");
  EXPECT_EQ(verify(testing::encodePart({{"alg", "HS256"}, {"kid", "rsa-1"}}) + "." + payload + ".c2ln").failure,
            "alg \"HS256\": a shared-secret (HMAC) token is never accepted; providers sign with RSA or EC keys");
  EXPECT_EQ(verify(testing::encodePart({{"alg", "RS1"}}) + "." + payload + ".c2ln").failure,
            "alg \"RS1\": unknown algorithm (supported: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, "
            "ES512)");
  EXPECT_EQ(verify(testing::encodePart({{"typ", "JWT"}}) + "." + payload + ".c2ln").failure,
            "header: alg missing or not a string");
}

TEST(VerifyJwtTest, EcdsaSignatureOfTheWrongSize) {
  const std::string token = makeToken(keys().ec, "ES256", claims());
  EXPECT_EQ(verify(token.substr(0, token.rfind('.') + 1) + base64UrlEncode(std::string(70, 'x'))).failure,
            "an ECDSA signature on this curve is 64 bytes, got 70 with key \"ec-1\"");
}

model::RequiredClaim required(const std::string& claim, std::vector<std::string> values) {
  model::RequiredClaim r;
  r.claim = claim;
  r.values = std::move(values);
  return r;
}

TEST(RequiredClaimsTest, SpaceSeparatedStringOrList) {
  const json token = with(claims(), "realm", {{"roles", {"clerk", "approver"}}});
  auto ok = checkRequiredClaims(token, {required("scope", {"payments:write"}), required("realm.roles", {"approver"})});
  EXPECT_TRUE(ok.ok()) << ok.failure;
  EXPECT_EQ(ok.passed, (std::vector<std::string>{"claim scope has payments:write", "claim realm.roles has approver"}));
  EXPECT_TRUE(checkRequiredClaims(token, {required("scope", {"payments:read", "payments:write"})}).ok());
  // A word is whole: "payments" is not in "payments:read payments:write".
  EXPECT_EQ(checkRequiredClaims(token, {required("scope", {"payments"})}).failure,
            "claim \"scope\" lacks \"payments\"");
  EXPECT_EQ(checkRequiredClaims(token, {required("realm.roles", {"auditor"})}).failure,
            "claim \"realm.roles\" lacks \"auditor\"");
}

TEST(RequiredClaimsTest, MissingOrUnreadableClaims) {
  EXPECT_EQ(checkRequiredClaims(claims(), {required("groups", {"treasury"})}).failure,
            "claim \"groups\" is missing (required: treasury)");
  EXPECT_EQ(checkRequiredClaims(claims(), {required("scope.read", {"x"})}).failure,
            "claim \"scope.read\" is missing (required: x)");
  EXPECT_EQ(checkRequiredClaims(claims(), {required("exp", {"1"})}).failure,
            "claim \"exp\" is neither a string nor a list");
  EXPECT_TRUE(checkRequiredClaims(claims(), {}).ok());
}

TEST(FindClaimTest, DotsNameNestedObjects) {
  const json c = {{"a", {{"b", {{"c", 1}}}}}, {"x", 2}};
  ASSERT_NE(findClaim(c, "a.b.c"), nullptr);
  EXPECT_EQ(*findClaim(c, "a.b.c"), 1);
  EXPECT_EQ(*findClaim(c, "x"), 2);
  EXPECT_EQ(findClaim(c, "a.c"), nullptr);
  EXPECT_EQ(findClaim(c, "x.y"), nullptr);
}

}  // namespace
}  // namespace paymesh::auth
