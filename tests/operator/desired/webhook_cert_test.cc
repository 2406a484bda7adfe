#include "operator/desired/webhook_cert.h"

#include <gtest/gtest.h>

#include "pki/issue.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

pki::TimePoint fixedNow() { return std::chrono::system_clock::from_time_t(1780272000); }

const model::MeshConfig& mesh() {
  static const model::MeshConfig m = *model::parseMeshConfig(Json::object()).config;
  return m;
}

TEST(WebhookCertTest, IssuedWhenMissingKeptWhenFreshRenewedWhenDue) {
  auto ca = pki::CertificateAuthority::create({}, fixedNow() - 1h);
  ASSERT_TRUE(ca.isOk());
  pki::TrustBundle bundle;
  bundle.add(ca->certificate());
  EXPECT_TRUE(planWebhookCertificate(mesh(), nullptr, *ca, bundle, fixedNow()).issue);
  auto spec = pki::webhookLeafSpec("paymesh-webhook", "paymesh-system", std::chrono::hours(24 * 90));
  ASSERT_TRUE(spec.isOk());
  auto issued = pki::issueCertificate(*ca, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk());
  Json secret = pki::tlsSecretData(*pki::tlsSecretContent(*issued, bundle));
  auto plan = planWebhookCertificate(mesh(), &secret, *ca, bundle, fixedNow() + 1h);
  EXPECT_FALSE(plan.issue) << plan.reason;
  EXPECT_GT(plan.next_check, fixedNow() + 24h * 30);
  EXPECT_TRUE(planWebhookCertificate(mesh(), &secret, *ca, bundle, fixedNow() + 24h * 89).issue);
  model::MeshConfig other = mesh();
  other.webhook.service_name = "injector";
  EXPECT_EQ(planWebhookCertificate(other, &secret, *ca, bundle, fixedNow()).reason, "DNS names changed");
  // Another CA trusted as well (a rotation staged): same certificate, new ca.crt.
  auto next = pki::CertificateAuthority::create({}, fixedNow() - 1h);
  ASSERT_TRUE(next.isOk());
  pki::TrustBundle both = bundle;
  both.add(next->certificate());
  plan = planWebhookCertificate(mesh(), &secret, *ca, both, fixedNow() + 1h);
  EXPECT_FALSE(plan.issue);
  EXPECT_TRUE(plan.update_bundle);
  EXPECT_FALSE(planWebhookCertificate(mesh(), &secret, *ca, bundle, fixedNow() + 1h).update_bundle);
}

TEST(WebhookCertTest, CaBundlePatchTouchesOnlyStaleWebhooks) {
  Json config = {{"webhooks",
                  {{{"name", "a"}, {"clientConfig", {{"caBundle", "NEW"}}}},
                   {{"name", "b"}, {"clientConfig", {{"caBundle", "OLD"}}}},
                   {{"name", "c"}, {"clientConfig", Json::object()}}}}};
  auto patch = caBundlePatch(config, "NEW");
  ASSERT_TRUE(patch.has_value());
  ASSERT_EQ(patch->size(), 2u);
  EXPECT_EQ((*patch)[0], (Json{{"op", "replace"}, {"path", "/webhooks/1/clientConfig/caBundle"}, {"value", "NEW"}}));
  EXPECT_EQ((*patch)[1], (Json{{"op", "add"}, {"path", "/webhooks/2/clientConfig/caBundle"}, {"value", "NEW"}}));
  config["webhooks"][1]["clientConfig"]["caBundle"] = "NEW";
  config["webhooks"][2]["clientConfig"]["caBundle"] = "NEW";
  EXPECT_FALSE(caBundlePatch(config, "NEW").has_value());
}

// Found by tests/fuzz/ca_bundle_fuzz: wrongly typed webhooks made caBundlePatch throw
// (type_error.306), and a webhook without clientConfig got an "add" under a path that
// does not exist, a patch the API server refuses. Now it never throws, and what it
// sends applies.
TEST(WebhookCertTest, CaBundlePatchOnWronglyTypedConfigurationsAppliesOrIsNone) {
  for (Json config : {Json(5), Json::object(), Json({{"webhooks", "x"}}), Json({{"webhooks", {{"a", 1}}}})})
    EXPECT_FALSE(caBundlePatch(config, "NEW").has_value()) << config.dump();
  Json config = {{"webhooks",
                  {5,
                   {{"name", "string-config"}, {"clientConfig", "x"}},
                   {{"name", "no-config"}},
                   {{"name", "number-bundle"}, {"clientConfig", {{"caBundle", 5}}}}}}};
  auto patch = caBundlePatch(config, "NEW");
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(*patch, Json::parse(R"([
    {"op": "add", "path": "/webhooks/2/clientConfig", "value": {"caBundle": "NEW"}},
    {"op": "replace", "path": "/webhooks/3/clientConfig/caBundle", "value": "NEW"}])"));
  Json patched = config.patch(*patch);
  EXPECT_FALSE(caBundlePatch(patched, "NEW").has_value());
}

}  // namespace
}  // namespace paymesh::ctrl
