#include "operator/controller/webhook_cert_reconciler.h"

#include <gtest/gtest.h>

#include "operator/desired/webhook_cert.h"
#include "pki/tls_secret.h"
#include "reconciler_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

class WebhookCertReconcilerTest : public ReconcilerTest {
protected:
  WebhookCertReconciler reconciler() { return WebhookCertReconciler({client_, children_, mesh_, clock()}); }
  const kube::ObjectKey key_{"paymesh-system", "paymesh-webhook-tls"};
};

Json injector(const std::string& ca_bundle) {
  Json hook = {{"name", "inject.paymesh.io"}, {"clientConfig", Json::object()}};
  if (!ca_bundle.empty()) hook["clientConfig"]["caBundle"] = ca_bundle;
  return {{"metadata", {{"name", "paymesh-sidecar-injector"}}}, {"webhooks", Json::array({hook})}};
}

TEST_F(WebhookCertReconcilerTest, IssuesTheServingCertificateAndWaitsForTheConfiguration) {
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-webhook-tls", Status(Code::kNotFound, "not found"))
      .expectCreate(res::kSecrets, "paymesh-system", "paymesh-webhook-tls")
      .expectGet(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector",
                 Status(Code::kNotFound, "not found"));
  auto action = reconciler().reconcile(key_);
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  EXPECT_EQ(action->requeue_after, std::chrono::milliseconds(60000)) << "the configuration may come later";
  const Json secret = client_.calls().at(1).body;
  EXPECT_EQ(secret["metadata"]["labels"]["paymesh.io/role"], "webhook-serving");
  auto material = pki::readTlsSecret(secret);
  ASSERT_TRUE(material.isOk()) << material.status().toString();
  auto names = material->leaf().dnsNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "paymesh-webhook.paymesh-system.svc"), names.end());
}

TEST_F(WebhookCertReconcilerTest, KeepsTheCertificateAndPatchesAStaleCaBundle) {
  auto issued = issueWebhookSecret(mesh().mesh, *mesh().ca, mesh().bundle, fixedNow());
  ASSERT_TRUE(issued.isOk());
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-webhook-tls", *issued)
      .expectGet(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector", injector("OLD"))
      .expectPatch(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
  ASSERT_TRUE(reconciler().reconcile(key_).isOk());
  const auto patch = client_.calls().at(2);
  EXPECT_EQ(patch.patch_type, kube::PatchType::kJsonPatch);
  EXPECT_EQ(patch.body[0]["value"], mesh().bundle.caBundle());
  // In place: a second pass reads and writes nothing.
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-webhook-tls", *issued)
      .expectGet(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector",
                 injector(mesh().bundle.caBundle()));
  ASSERT_TRUE(reconciler().reconcile(key_).isOk());
  EXPECT_EQ(client_.calls().size(), 5u);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
