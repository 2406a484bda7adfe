#include "auth/jwks.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "support/token_maker.h"

namespace paymesh::auth {
namespace {

using nlohmann::json;
using testing::SigningKey;

// The members of an RSA and an EC key generated once for the file.
const json& rsaJwk() {
  static const json kJwk = SigningKey::rsa("rsa-1").jwk();
  return kJwk;
}
const json& ecJwk() {
  static const json kJwk = SigningKey::ec("ec-1").jwk();
  return kJwk;
}

json withMember(json jwk, const std::string& member, json value) {
  jwk[member] = std::move(value);
  return jwk;
}

std::string errorOf(const std::string& text) {
  auto r = parseJwks(text);
  return r.isOk() ? "parsed" : r.status().message();
}

TEST(ParseJwksTest, PublicRsaAndEcKeys) {
  auto r = parseJwks(testing::jwksText({withMember(rsaJwk(), "alg", "RS256"), ecJwk(),
                                        SigningKey::ec("", "P-384").jwk(), SigningKey::ec("p521", "P-521").jwk()}));
  ASSERT_TRUE(r.isOk()) << r.status().message();
  ASSERT_EQ(r->keys.size(), 4u);
  EXPECT_EQ(r->keys[0].kid, "rsa-1");
  EXPECT_EQ(r->keys[0].kty, "RSA");
  EXPECT_EQ(r->keys[0].alg, "RS256");
  EXPECT_EQ(r->keys[1].kty, "EC");
  EXPECT_EQ(r->keys[1].crv, "P-256");
  EXPECT_EQ(r->keys[1].alg, "");
  EXPECT_EQ(r->keys[2].kid, "");
  EXPECT_EQ(r->keys[3].crv, "P-521");
  for (const auto& k : r->keys) EXPECT_NE(k.key, nullptr);
}

TEST(ParseJwksTest, RefusesTextThatIsNotOneJsonObjectWithKeys) {
  EXPECT_EQ(errorOf("{\"keys\": [}"), "not valid JSON (at byte 11)");
  EXPECT_EQ(errorOf("not json"), "not valid JSON (at byte 2)");
  EXPECT_EQ(errorOf("[]"), "a JWKS is a JSON object with \"keys\"");
  EXPECT_EQ(errorOf("{}"), "keys: missing");
  EXPECT_EQ(errorOf("{\"keys\": {}}"), "keys: must be a list");
  EXPECT_EQ(errorOf("{\"keys\": []}"), "keys: empty: no key to verify a token with");
  EXPECT_EQ(errorOf("{\"keys\": [42]}"), "keys[0]: must be an object");
}

TEST(ParseJwksTest, RefusesSharedSecretsAndPrivateKeys) {
  EXPECT_EQ(errorOf(R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})"),
            "keys[0].kty: \"oct\" is a shared secret, which would be published with the keys; give public RSA or EC "
            "keys");
  EXPECT_EQ(errorOf(R"({"keys": [{"kty": "OKP", "crv": "Ed25519"}]})"),
            "keys[0].kty: unsupported key type \"OKP\" (RSA or EC)");
  EXPECT_EQ(errorOf(R"({"keys": [{"n": "AQAB"}]})"), "keys[0].kty: missing");
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) {
    EXPECT_EQ(errorOf(testing::jwksText({ecJwk(), withMember(rsaJwk(), member, "AQAB")})),
              "keys[1]." + std::string(member) +
                  ": a private key member; a JWKS that verifies tokens holds public "
                  "keys only");
  }
}

TEST(ParseJwksTest, RefusesUnknownAndMismatchedAlgorithms) {
  EXPECT_EQ(errorOf(testing::jwksText({rsaJwk(), withMember(rsaJwk(), "alg", "HS999")})),
            "keys[1].alg: unknown algorithm \"HS999\"");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(rsaJwk(), "alg", "HS256")})),
            "keys[0].alg: unknown algorithm \"HS256\"");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(rsaJwk(), "alg", "ES256")})),
            "keys[0].alg: \"ES256\" needs an EC key, not RSA");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "alg", "PS256")})),
            "keys[0].alg: \"PS256\" needs an RSA key, not EC");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "alg", "ES384")})),
            "keys[0].alg: \"ES384\" signs on P-384, not P-256");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "alg", 256)})), "keys[0].alg: must be a string");
}

TEST(ParseJwksTest, RefusesUnknownCurvesAndBadCoordinates) {
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "crv", "secp256k1")})),
            "keys[0].crv: unknown curve \"secp256k1\" (P-256, P-384 or P-521)");
  json no_crv = ecJwk();
  no_crv.erase("crv");
  EXPECT_EQ(errorOf(testing::jwksText({no_crv})), "keys[0].crv: missing");
  // A P-256 key's coordinates are 32 bytes, not a P-384 key's 48.
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "crv", "P-384")})),
            "keys[0].x: must be 48 bytes on P-384, got 32");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(ecJwk(), "y", base64UrlEncode(std::string(31, 'a')))})),
            "keys[0].y: must be 32 bytes on P-256, got 31");
  // 32 bytes, but not a point on the curve.
  const std::string off_curve =
      errorOf(testing::jwksText({withMember(ecJwk(), "y", base64UrlEncode(std::string(32, '\x01')))}));
  EXPECT_EQ(off_curve.rfind("keys[0]: OpenSSL rejects the public key", 0), 0u) << off_curve;
}

TEST(ParseJwksTest, RefusesMembersThatAreNotBase64url) {
  EXPECT_EQ(errorOf(testing::jwksText({withMember(rsaJwk(), "n", "AQ+B")})),
            "keys[0].n: not base64url: invalid base64url character at offset 2");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(rsaJwk(), "e", "AQAB==")})),
            "keys[0].e: not base64url: invalid base64url character at offset 4");
  json no_n = rsaJwk();
  no_n.erase("n");
  EXPECT_EQ(errorOf(testing::jwksText({no_n})), "keys[0].n: missing");
  EXPECT_EQ(errorOf(testing::jwksText({withMember(rsaJwk(), "kid", 7)})), "keys[0].kid: must be a string");
  // An even modulus is no RSA key.
  const std::string even =
      errorOf(testing::jwksText({withMember(rsaJwk(), "n", base64UrlEncode(std::string(256, 'b')))}));
  EXPECT_EQ(even.rfind("keys[0]: OpenSSL rejects the public key", 0), 0u) << even;
}

json configMap(json data, const char* field = "data") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "idp-jwks"}, {"namespace", "payments"}}},
          {field, std::move(data)}};
}

json secret(json data, const char* field = "data") {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "idp-jwks"}, {"namespace", "payments"}}},
          {field, std::move(data)}};
}

model::JwksSource source(model::JwksSourceKind kind, const std::string& key = model::kDefaultJwksKey) {
  model::JwksSource s;
  s.kind = kind;
  s.name = "idp-jwks";
  s.key = key;
  return s;
}

TEST(JwksFromObjectTest, ConfigMapDataOrBinaryData) {
  const std::string text = testing::jwksText({ecJwk()});
  auto plain = jwksFromObject(configMap({{"jwks.json", text}}), source(model::JwksSourceKind::kConfigMap));
  ASSERT_TRUE(plain.isOk()) << plain.status().message();
  EXPECT_EQ(*plain, text);
  auto binary = jwksFromObject(configMap({{"keys", base64Encode(text)}}, "binaryData"),
                               source(model::JwksSourceKind::kConfigMap, "keys"));
  ASSERT_TRUE(binary.isOk()) << binary.status().message();
  EXPECT_EQ(*binary, text);
  EXPECT_TRUE(parseJwks(*binary).isOk());
}

TEST(JwksFromObjectTest, SecretDataIsBase64StringDataAsGiven) {
  const std::string text = testing::jwksText({rsaJwk()});
  auto data = jwksFromObject(secret({{"jwks.json", base64Encode(text)}}), source(model::JwksSourceKind::kSecret));
  ASSERT_TRUE(data.isOk()) << data.status().message();
  EXPECT_EQ(*data, text);
  auto string_data =
      jwksFromObject(secret({{"jwks.json", text}}, "stringData"), source(model::JwksSourceKind::kSecret));
  ASSERT_TRUE(string_data.isOk()) << string_data.status().message();
  EXPECT_EQ(*string_data, text);
  auto not_base64 = jwksFromObject(secret({{"jwks.json", text}}), source(model::JwksSourceKind::kSecret));
  ASSERT_FALSE(not_base64.isOk());
  EXPECT_EQ(not_base64.status().message().rfind("Secret payments/idp-jwks: data[\"jwks.json\"]: not base64: ", 0), 0u)
      << not_base64.status().message();
}

TEST(JwksFromObjectTest, ErrorsNameTheObjectAndKey) {
  auto missing = jwksFromObject(configMap({{"other.json", "{}"}}), source(model::JwksSourceKind::kConfigMap));
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "ConfigMap payments/idp-jwks has no key \"jwks.json\"");
  auto in_secret = jwksFromObject(secret(json::object()), source(model::JwksSourceKind::kSecret, "keys.json"));
  EXPECT_EQ(in_secret.status().message(), "Secret payments/idp-jwks has no key \"keys.json\"");
  auto not_string = jwksFromObject(configMap({{"jwks.json", 3}}), source(model::JwksSourceKind::kConfigMap));
  EXPECT_EQ(not_string.status().message(), "ConfigMap payments/idp-jwks: data[\"jwks.json\"]: must be a string");
  auto wrong_kind = jwksFromObject(secret({{"jwks.json", "e30="}}), source(model::JwksSourceKind::kConfigMap));
  EXPECT_EQ(wrong_kind.status().message(), "ConfigMap payments/idp-jwks: not a ConfigMap");
  model::JwksSource remote;
  remote.kind = model::JwksSourceKind::kRemote;
  remote.uri = "https://idp.example.com/jwks";
  EXPECT_EQ(jwksFromObject(configMap({}), remote).status().message(),
            "the JWKS at https://idp.example.com/jwks is fetched by the sidecar, not read from an object");
}

}  // namespace
}  // namespace paymesh::auth
