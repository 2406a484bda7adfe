// The keys a provider names, through a pass: copied into the sidecar configuration,
// followed when they rotate, and when missing or malformed a condition that says why
// while the last good configuration stays and the certificate is still issued.

#include <gtest/gtest.h>

#include "base/base64.h"
#include "operator/controller/service_reconciler.h"
#include "operator/status/conditions.h"
#include "operator/test_util.h"
#include "reconciler_fixture.h"
#include "support/token_maker.h"
#include "yaml/yaml.h"

namespace paymesh::ctrl::testing {
namespace {

using paymesh::testing::SigningKey;

Json jwtSpec() {
  return Json::parse(R"({
    "ports": [{"name": "http", "port": 8080, "protocol": "HTTP"}],
    "authentication": {"jwt": {"providers": [{"name": "idp", "issuer": "https://idp.example.com",
      "audiences": ["payments-api"], "jwks": {"configMap": {"name": "idp-jwks"}}}]}}})");
}

Json jwksConfigMap(const std::string& jwks) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", "idp-jwks"},
            {"namespace", "payments"},
            {"labels", {{model::kJwksLabel, "true"}}},
            {"resourceVersion", "7"}}},
          {"data", {{"jwks.json", jwks}}}};
}

std::optional<model::Condition> condition(const Json& status_patch, const std::string& type) {
  for (const auto& c : status_patch["status"]["conditions"])
    if (c["type"] == type) return model::Condition{c["type"], c["status"], c["reason"], c["message"], "", 0};
  return std::nullopt;
}

// The JWKS the rendered inbound listener carries for provider "idp".
Json renderedJwks(const Json& config_map) {
  auto lds = yaml::parseYamlDocuments(config_map["data"]["lds.yaml"].get<std::string>());
  const Json& filters =
      (*lds)[0].value["resources"][0]["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"];
  for (const auto& f : filters)
    if (f["name"] == "envoy.filters.http.jwt_authn")
      return Json::parse(f["typed_config"]["providers"]["idp"]["local_jwks"]["inline_string"].get<std::string>());
  ADD_FAILURE() << "no jwt_authn filter";
  return Json();
}

class JwksReconcileTest : public ReconcilerTest {
protected:
  // One pass; what it wrote is fed back to the caches, as the watches would deliver it.
  void pass() {
    size_t from = client_.calls().size();
    PaymentServiceReconciler r({parsed_, pods_, config_maps_, secrets_, jwks_config_maps_, jwks_secrets_},
                               {client_, children_, events_, gauges_, mesh_, clock(), nullptr});
    auto action = r.reconcile({"payments", "payment"});
    ASSERT_TRUE(action.isOk()) << action.status().toString();
    wrote_config_map_ = false;
    auto calls = client_.calls();
    for (size_t i = from; i < calls.size(); ++i) {
      const auto& call = calls[i];
      Json body = call.body;
      if (call.resource == "configmaps" || call.resource == "secrets") {
        body["metadata"]["resourceVersion"] = std::to_string(++version_);
        cache(call.resource == "configmaps" ? config_maps_ : secrets_, body);
        if (call.resource == "configmaps") {
          config_map_ = call.body;
          wrote_config_map_ = true;
        }
      } else if (call.resource == "paymentservices") {
        status_ = body;
        Json svc = *services_.get("payments", "payment");
        svc.merge_patch(body);
        svc["metadata"]["resourceVersion"] = std::to_string(++version_);
        cache(services_, svc);
      }
    }
  }
  int version_ = 10;
  Json config_map_, status_;
  bool wrote_config_map_ = false;
};

TEST_F(JwksReconcileTest, KeysAreCopiedIntoTheListenerAndFollowedWhenTheyRotate) {
  auto first = SigningKey::ec("k1");
  cache(services_, serviceJson("payment", jwtSpec()));
  cache(jwks_config_maps_, jwksConfigMap(paymesh::testing::jwksText({first.jwk()})));
  client_.expectCreate(res::kConfigMaps, "payments", "payment-paymesh")
      .expectCreate(res::kSecrets, "payments", "payment-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "payment");
  pass();
  Json cm = config_map_;
  EXPECT_EQ(renderedJwks(cm)["keys"][0]["kid"], "k1");
  EXPECT_EQ(condition(status_, kConfigReady)->status, "True");

  // The issuer adds a key: the next pass rewrites the ConfigMap with both.
  auto second = SigningKey::rsa("k2");
  cache(jwks_config_maps_, jwksConfigMap(paymesh::testing::jwksText({first.jwk(), second.jwk()})));
  client_.expectUpdate(res::kConfigMaps, "payments", "payment-paymesh")
      .expectPatch(res::kPaymentServices, "payments", "payment");
  pass();
  ASSERT_TRUE(wrote_config_map_);
  ASSERT_EQ(renderedJwks(config_map_)["keys"].size(), 2u);
  EXPECT_EQ(renderedJwks(config_map_)["keys"][1]["kid"], "k2");
  EXPECT_NE(config_map_["metadata"]["annotations"]["paymesh.io/config-hash"],
            cm["metadata"]["annotations"]["paymesh.io/config-hash"]);
}

TEST_F(JwksReconcileTest, KeysInASecretAreReadFromItsBase64Data) {
  auto key = SigningKey::ec("from-secret");
  Json spec = jwtSpec();
  spec["authentication"]["jwt"]["providers"][0]["jwks"] = {{"secret", {{"name", "idp-keys"}, {"key", "keys.json"}}}};
  cache(services_, serviceJson("payment", spec));
  Json secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata", {{"name", "idp-keys"}, {"namespace", "payments"}, {"labels", {{model::kJwksLabel, "true"}}}}},
      {"data", {{"keys.json", base64Encode(paymesh::testing::jwksText({key.jwk()}))}}}};
  cache(jwks_secrets_, secret);
  client_.expectCreate(res::kConfigMaps, "payments", "payment-paymesh")
      .expectCreate(res::kSecrets, "payments", "payment-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "payment");
  pass();
  ASSERT_TRUE(wrote_config_map_);
  EXPECT_EQ(renderedJwks(config_map_)["keys"][0]["kid"], "from-secret");
}

TEST_F(JwksReconcileTest, MissingKeysGiveJwksNotFoundAndTheCertificateIsStillIssued) {
  cache(services_, serviceJson("payment", jwtSpec()));
  client_.expectCreate(res::kSecrets, "payments", "payment-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "payment")
      .expectCreate(res::kEvents, "payments", "")
      .expectCreate(res::kEvents, "payments", "");
  pass();
  EXPECT_FALSE(wrote_config_map_) << "no configuration without keys";
  auto config = condition(status_, kConfigReady);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->status, "False");
  EXPECT_EQ(config->reason, "JwksNotFound");
  EXPECT_NE(config->message.find("ConfigMap payments/idp-jwks"), std::string::npos) << config->message;
  EXPECT_NE(config->message.find(model::kJwksLabel), std::string::npos) << config->message;
  EXPECT_EQ(condition(status_, kCertificateReady)->status, "True");
}

TEST_F(JwksReconcileTest, MalformedKeysKeepTheLastGoodConfiguration) {
  cache(services_, serviceJson("payment", jwtSpec()));
  cache(jwks_config_maps_, jwksConfigMap(paymesh::testing::jwksText({SigningKey::ec("good").jwk()})));
  client_.expectCreate(res::kConfigMaps, "payments", "payment-paymesh")
      .expectCreate(res::kSecrets, "payments", "payment-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "payment");
  pass();
  Json good = config_map_;
  bool first_bad = true;
  for (const char* bad : {R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})", "not json", R"({"keys": []})"}) {
    cache(jwks_config_maps_, jwksConfigMap(bad));
    client_.expectPatch(res::kPaymentServices, "payments", "payment");
    if (first_bad) client_.expectCreate(res::kEvents, "payments", "").expectCreate(res::kEvents, "payments", "");
    first_bad = false;
    pass();
    EXPECT_FALSE(wrote_config_map_) << bad << ": the last good configuration stays";
    auto config = condition(status_, kConfigReady);
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->reason, "JwksInvalid") << bad;
    EXPECT_NE(config->message.find("provider idp"), std::string::npos) << config->message;
    EXPECT_EQ(status_["status"]["configHash"], good["metadata"]["annotations"]["paymesh.io/config-hash"]);
  }
}

}  // namespace
}  // namespace paymesh::ctrl::testing
