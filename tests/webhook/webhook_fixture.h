#pragma once
// The webhook's routes behind the real HTTPS server on loopback, with a PaymentService
// cache holding examples/payments, and a client that calls it as kube-apiserver does.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/tls_certs.h"
#include "http/https_server.h"
#include "model/manifest.h"
#include "support/https_client.h"
#include "webhook/routes.h"

namespace paymesh::webhook::testing {

inline nlohmann::json review(const nlohmann::json& pod, const std::string& ns = "payments",
                             const std::string& uid = "705ab4f5-6393-11e8-b7cc-42010a800002") {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
            {"resource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
            {"requestKind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
            {"requestResource", {{"group", ""}, {"version", "v1"}, {"resource", "pods"}}},
            {"namespace", ns},
            {"operation", "CREATE"},
            {"userInfo", {{"username", "system:serviceaccount:kube-system:replicaset-controller"}}},
            {"object", pod},
            {"oldObject", nullptr},
            {"dryRun", false},
            {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
}

class WebhookFixture : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    leaf_ = emulator::issueLeaf(ca_.ca, "paymesh-webhook", {"paymesh-webhook.paymesh-system.svc"}, {}, error);
    ASSERT_EQ(error, "");
    auto manifests = model::readManifests(PAYMESH_SOURCE_DIR "/examples/payments");
    ASSERT_TRUE(manifests.isOk());
    for (const auto& m : *manifests)
      if (m.kind() == "PaymentService") cache_.upsert(m.doc.value);
    state_.cache = &cache_;
    state_.mesh = [this] { return mesh_; };
    state_.ready = [this] { return ready_; };
    state_.metrics = &metrics_;
    auto cert = http::ServingCertificate::fromPem(leaf_.cert_pem, leaf_.key_pem);
    ASSERT_TRUE(cert.isOk());
    http::ServerOptions options;
    options.address = "127.0.0.1";
    auto server = http::HttpsServer::start(
        options, [this](const http::Request& r) { return route(r, state_); }, *cert);
    ASSERT_TRUE(server.isOk()) << server.status().toString();
    server_ = std::move(*server);
    client_ = std::make_unique<paymesh::testing::HttpsClient>(server_->port(), ca_.ca.cert_pem,
                                                              "paymesh-webhook.paymesh-system.svc");
  }

  paymesh::testing::HttpsResult post(const std::string& body, const std::string& type = "application/json") {
    return client_->request("POST", "/inject", type, body);
  }
  // The AdmissionReview response of a review that must be answered 200.
  nlohmann::json answer(const nlohmann::json& rev) {
    auto r = post(rev.dump());
    EXPECT_EQ(r.status, 200) << r.error << r.body;
    auto parsed = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.body;
    return parsed.is_discarded() ? nlohmann::json() : parsed["response"];
  }

  emulator::TestCa ca_ = emulator::generateCa("webhook-test-ca");
  emulator::KeyPair leaf_;
  ServiceCache cache_;
  std::shared_ptr<const model::MeshConfig> mesh_ =
      std::make_shared<const model::MeshConfig>(*model::parseMeshConfig(nlohmann::json::object()).config);
  bool ready_ = true;
  obs::WebhookMetrics metrics_;
  WebhookState state_;
  std::unique_ptr<http::HttpsServer> server_;
  std::unique_ptr<paymesh::testing::HttpsClient> client_;
};

}  // namespace paymesh::webhook::testing
