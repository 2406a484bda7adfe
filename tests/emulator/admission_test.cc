// Mutating admission on pod CREATE: the emulator calls matching webhooks over HTTPS,
// trusting only the configuration's caBundle, and applies the JSONPatch they return.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/base64.h"
#include "emulator/emulator.h"
#include "kube/rest_client.h"

namespace paymesh::emulator {
namespace {

using kube::resources::kMutatingWebhookConfigurations;
using kube::resources::kNamespaces;
using kube::resources::kPods;
using nlohmann::json;

class FakeWebhook : public RequestHandler {
public:
  std::atomic<int> calls{0};
  std::atomic<bool> last_dry_run{false};
  std::string mode = "patch";  // patch | deny | slow

  HttpResponse handle(const HttpRequest& req) override {
    calls++;
    json review = json::parse(req.body);
    last_dry_run = review["request"].value("dryRun", false);
    json resp = {{"uid", review["request"]["uid"]}, {"allowed", true}};
    if (mode == "deny") {
      resp["allowed"] = false;
      resp["status"] = {{"code", 403}, {"message", "no sidecar for you"}};
    } else {
      if (mode == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      json patch = json::array(
          {{{"op", "add"},
            {"path", "/spec/containers/-"},
            {"value", {{"name", "paymesh-proxy"}, {"image", "envoyproxy/envoy:v1.30"}}}},
           {{"op", "add"}, {"path", "/metadata/annotations"}, {"value", {{"paymesh.io/injected", "true"}}}}});
      resp["patchType"] = "JSONPatch";
      resp["patch"] = base64Encode(patch.dump());
    }
    HttpResponse out;
    out.body = json{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", resp}}.dump();
    return out;
  }
};

class AdmissionTest : public ::testing::Test {
protected:
  void SetUp() override {
    emulator_ = std::make_unique<Emulator>();
    ASSERT_EQ(emulator_->start(), "");
    kube::ClusterConfig cfg;
    cfg.server = emulator_->url();
    auto c = kube::RestClient::create(cfg);
    ASSERT_TRUE(c.isOk());
    client_ = std::move(c).value();
    webhook_ca_ = generateCa("webhook-ca");
    std::string error;
    KeyPair leaf = issueLeaf(webhook_ca_.ca, "webhook", {"localhost"}, {"127.0.0.1"}, error);
    ASSERT_EQ(error, "");
    server_ = std::make_unique<HttpServer>(webhook_, ServerTls{leaf.cert_pem, leaf.key_pem, ""});
    ASSERT_EQ(server_->start("127.0.0.1", 0), "");
    json ns = {{"apiVersion", "v1"},
               {"kind", "Namespace"},
               {"metadata", {{"name", "payments"}, {"labels", {{"paymesh.io/injection", "enabled"}}}}}};
    ASSERT_TRUE(client_->create(kNamespaces, "", ns).isOk());
  }
  void TearDown() override {
    server_->stop();
    emulator_->stop();
  }

  void registerWebhook(const std::string& failure_policy, const std::string& ca_pem, int timeout_seconds = 5,
                       const std::string& side_effects = "None") {
    json cfg = {
        {"apiVersion", "admissionregistration.k8s.io/v1"},
        {"kind", "MutatingWebhookConfiguration"},
        {"metadata", {{"name", "paymesh"}}},
        {"webhooks",
         {{{"name", "inject.paymesh.io"},
           {"admissionReviewVersions", {"v1"}},
           {"sideEffects", side_effects},
           {"failurePolicy", failure_policy},
           {"timeoutSeconds", timeout_seconds},
           {"clientConfig",
            {{"url", "https://127.0.0.1:" + std::to_string(server_->port()) + "/inject"},
             {"caBundle", base64Encode(ca_pem)}}},
           {"rules",
            {{{"operations", {"CREATE"}}, {"apiGroups", {""}}, {"apiVersions", {"v1"}}, {"resources", {"pods"}}}}},
           {"namespaceSelector", {{"matchLabels", {{"paymesh.io/injection", "enabled"}}}}},
           {"objectSelector", {{"matchExpressions", {{{"key", "paymesh.io/skip"}, {"operator", "DoesNotExist"}}}}}}}}}};
    ASSERT_TRUE(client_->create(kMutatingWebhookConfigurations, "", cfg).isOk());
  }

  static json pod(const std::string& ns, const std::string& name, json labels = json::object()) {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
            {"spec", {{"containers", {{{"name", "app"}, {"image", "app:1"}}}}}}};
  }

  FakeWebhook webhook_;
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<kube::RestClient> client_;
  std::unique_ptr<HttpServer> server_;
  TestCa webhook_ca_;
};

TEST_F(AdmissionTest, AppliesThePatchOfAMatchingWebhook) {
  registerWebhook("Fail", webhook_ca_.ca.cert_pem);
  auto created = client_->create(kPods, "payments", pod("payments", "p"));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(webhook_.calls, 1);
  ASSERT_EQ((*created)["spec"]["containers"].size(), 2u);
  EXPECT_EQ((*created)["spec"]["containers"][1]["name"], "paymesh-proxy");
  EXPECT_EQ((*created)["metadata"]["annotations"]["paymesh.io/injected"], "true");
}

TEST_F(AdmissionTest, SelectorsDecideWhichPodsAreSent) {
  registerWebhook("Fail", webhook_ca_.ca.cert_pem);
  auto outside = client_->create(kPods, "default", pod("default", "p"));
  ASSERT_TRUE(outside.isOk());
  auto skipped = client_->create(kPods, "payments", pod("payments", "s", {{"paymesh.io/skip", "true"}}));
  ASSERT_TRUE(skipped.isOk());
  EXPECT_EQ(webhook_.calls, 0);
  EXPECT_EQ((*skipped)["spec"]["containers"].size(), 1u);
  // Other kinds are not sent either.
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}};
  ASSERT_TRUE(client_->create(kube::resources::kConfigMaps, "payments", cm).isOk());
  EXPECT_EQ(webhook_.calls, 0);
}

TEST_F(AdmissionTest, DenialRejectsTheCreate) {
  webhook_.mode = "deny";
  registerWebhook("Fail", webhook_ca_.ca.cert_pem);
  auto r = client_->create(kPods, "payments", pod("payments", "p"));
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_NE(r.status().message().find("no sidecar for you"), std::string::npos) << r.status().message();
}

TEST_F(AdmissionTest, UntrustedWebhookCertificate) {
  TestCa other = generateCa("other");
  registerWebhook("Fail", other.ca.cert_pem);
  auto r = client_->create(kPods, "payments", pod("payments", "p"));
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("failed calling webhook \"inject.paymesh.io\""), std::string::npos)
      << r.status().message();
  EXPECT_EQ(webhook_.calls, 0);
}

TEST_F(AdmissionTest, FailurePolicyIgnoreCreatesUnpatched) {
  TestCa other = generateCa("other");
  registerWebhook("Ignore", other.ca.cert_pem);
  auto r = client_->create(kPods, "payments", pod("payments", "p"));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ((*r)["spec"]["containers"].size(), 1u);
}

TEST_F(AdmissionTest, TimeoutSecondsIsEnforced) {
  webhook_.mode = "slow";
  registerWebhook("Fail", webhook_ca_.ca.cert_pem, 1);
  auto r = client_->create(kPods, "payments", pod("payments", "p"));
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().toString();
}

// A dry run calls webhooks that declare no side effects, tells them so, and stores nothing;
// one that may have side effects refuses the dry run, as kube-apiserver does.
TEST_F(AdmissionTest, DryRunCallsOnlySideEffectFreeWebhooks) {
  registerWebhook("Fail", webhook_ca_.ca.cert_pem);
  auto dry = emulator_->api().handle([&] {
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/namespaces/payments/pods";
    req.query["dryRun"] = "All";
    req.headers["content-type"] = "application/json";
    req.body = pod("payments", "dry").dump();
    return req;
  }());
  ASSERT_EQ(dry.status, 201) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["spec"]["containers"].size(), 2u);  // the patch is in the answer
  EXPECT_EQ(webhook_.calls, 1);
  EXPECT_TRUE(emulator_->api().objects("", "pods").empty());
  EXPECT_EQ(webhook_.last_dry_run, true);

  ASSERT_TRUE(client_->remove(kMutatingWebhookConfigurations, "", "paymesh").isOk());
  registerWebhook("Fail", webhook_ca_.ca.cert_pem, 5, "Some");
  HttpRequest req;
  req.method = "POST";
  req.path = "/api/v1/namespaces/payments/pods";
  req.query["dryRun"] = "All";
  req.body = pod("payments", "dry").dump();
  auto refused = emulator_->api().handle(req);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body)["message"], "admission webhook \"inject.paymesh.io\" does not support dry run");
  EXPECT_EQ(webhook_.calls, 1);
}

}  // namespace
}  // namespace paymesh::emulator
