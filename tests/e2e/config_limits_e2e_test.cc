// End-to-end: a caller whose sidecar ConfigMap outgrows Kubernetes' 1 MiB limit (its
// dependency scaled to hundreds of pods), with the operator against the API emulator,
// which enforces kube-apiserver's limits; and a ConfigMap the API server refuses. The
// ConfigMap in place is kept, the status, an Event and a metric say why, and the
// certificate is still written and renewed when due.

#include "operator/status/conditions.h"
#include "pki/tls_secret.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

constexpr char kNs[] = "payments";

Json paymentService(const std::string& name, const Json& extra) {
  Json spec = {{"selector", {{"matchLabels", {{"app", name}}}}},
               {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}}};
  spec.update(extra);
  return {{"apiVersion", "paymesh.io/v1alpha1"},
          {"kind", "PaymentService"},
          {"metadata", {{"name", name}, {"namespace", kNs}}},
          {"spec", spec}};
}

// A Ready ledger pod, labelled as the webhook labels the pods it injects. Long names (as a StatefulSet of a long-named
// workload has) make each endpoint cost ~650 bytes of the caller's EDS file, so ~1,700 pods pass 1 MiB.
Json ledgerPod(int i) {
  std::string name = "ledger-" + std::string(220, 'x') + "-" + std::to_string(i);
  std::string ip = "10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name}, {"namespace", kNs}, {"labels", {{"app", "ledger"}, {"paymesh.io/service", "ledger"}}}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example.com/payments/ledger:1"}}}}}},
          {"status", {{"phase", "Running"}, {"podIP", ip}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

class ConfigLimitsE2eTest : public OperatorTest {
protected:
  Json object(const kube::ResourceRef& r, const std::string& name) {
    auto got = client_->get(r, kNs, name);
    return got.isOk() ? *got : Json();
  }
  std::string tlsCrt() {
    Json s = object(res::kSecrets, "payment-paymesh-tls");
    return s.is_null() ? "" : s["data"].value("tls.crt", "");
  }
};

TEST_F(ConfigLimitsE2eTest, AConfigMapOverTheLimitKeepsTheOneInPlaceSaysWhyAndTheCertificateStillRenews) {
  const auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto offset = std::make_shared<std::atomic<int64_t>>(0);  // simulated seconds past start
  ControllerOptions o;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  o.reconciler.now = [start, offset] { return start + std::chrono::seconds(offset->load()); };
  o.reconciler.clock_rate = PassClock::kManual;
  ASSERT_TRUE(client_->create(res::kPaymentServices, kNs, paymentService("ledger", Json::object())).isOk());
  ASSERT_TRUE(client_
                  ->create(res::kPaymentServices, kNs,
                           paymentService("payment", {{"dependencies", {{{"name", "ledger"}}}},
                                                      {"tls", {{"certificate", {{"duration", "1h"}}}}}}))
                  .isOk());
  createPod(ledgerPod(0));
  startOperator(o);
  ASSERT_TRUE(waitFor([&] { return ready("payment") && ready("ledger"); }, 20s))
      << object(res::kPaymentServices, "payment").dump() << object(res::kPaymentServices, "ledger").dump();
  ASSERT_FALSE(object(res::kConfigMaps, "payment-paymesh").is_null());
  const std::string crt = tlsCrt();

  // The ledger grows: payment's EDS file for it alone passes 1 MiB.
  for (int i = 1; i < 1700; ++i) createPod(ledgerPod(i));
  ASSERT_TRUE(waitFor([&] {
    Json c = condition("payment", kConfigReady);
    return !c.is_null() && c["status"] == "False" && c["reason"] == kConfigTooLarge;
  })) << condition("payment", kConfigReady).dump();
  Json cond = condition("payment", kConfigReady);
  std::string message = cond["message"];
  EXPECT_NE(message.find("ConfigMap payments/payment-paymesh would hold "), std::string::npos) << message;
  EXPECT_NE(message.find("over Kubernetes' limit of 1,048,576 bytes (largest files: eds-ledger.json "),
            std::string::npos)
      << message;
  EXPECT_EQ(condition("payment", kReady)["status"], "False");
  EXPECT_TRUE(waitFor([&] { return warned("payment", kConfigTooLarge); }));  // raised after the status
  EXPECT_TRUE(waitFor([&] { return metrics_.configsNotWritten() == 1; }));
  // Nothing half-written: the ConfigMap in place is the last one that fitted, and the
  // status still names it.
  const Json in_place = object(res::kConfigMaps, "payment-paymesh");
  size_t in_place_bytes = 0;
  for (const auto& [file, content] : in_place["data"].items()) in_place_bytes += content.get<std::string>().size();
  EXPECT_LE(in_place_bytes, 1048576u);
  EXPECT_TRUE(waitFor([&] {
    return object(res::kPaymentServices, "payment")["status"]["configHash"] ==
           in_place["metadata"]["annotations"]["paymesh.io/config-hash"];
  })) << object(res::kPaymentServices, "payment")["status"].dump();
  EXPECT_TRUE(ready("ledger")) << "the ledger's own ConfigMap still fits";

  // The certificate is renewed when due all the same.
  auto material = pki::readTlsSecret(object(res::kSecrets, "payment-paymesh-tls"));
  ASSERT_TRUE(material.isOk()) << material.status().toString();
  auto due = pki::renewalTime(material->leaf().notBefore(), material->leaf().notAfter(), std::nullopt);
  offset->store(std::chrono::ceil<std::chrono::seconds>(due - start).count());
  ASSERT_TRUE(waitFor([&] { return tlsCrt() != crt; }));
  auto renewed = pki::readTlsSecret(object(res::kSecrets, "payment-paymesh-tls"));
  ASSERT_TRUE(renewed.isOk());
  EXPECT_GT(renewed->leaf().notAfter(), material->leaf().notAfter());
  ASSERT_TRUE(waitFor([&] {
    Json c = condition("payment", kCertificateReady);
    return !c.is_null() && c["status"] == "True" &&
           c["message"] == "valid until " + pki::formatTime(renewed->leaf().notAfter());
  })) << condition("payment", kCertificateReady).dump();
  EXPECT_EQ(condition("payment", kConfigReady)["reason"], kConfigTooLarge) << "still over, still said";
  EXPECT_EQ(object(res::kConfigMaps, "payment-paymesh")["data"], in_place["data"]);

  // Once it fits again (the dependency dropped), it is written and the service is Ready.
  Json drop = {{"spec", {{"dependencies", Json::array()}}}};
  ASSERT_TRUE(client_->patch(res::kPaymentServices, kNs, "payment", kube::PatchType::kMerge, drop, false).isOk());
  ASSERT_TRUE(waitFor([&] { return ready("payment"); }));
  EXPECT_FALSE(object(res::kConfigMaps, "payment-paymesh")["data"].contains("eds-ledger.json"));
  EXPECT_EQ(metrics_.configsNotWritten(), 0);
}

// Every ConfigMap write answered 422 (as an admission policy that refuses it would): the
// certificate is issued all the same, the status and an Event say what the API server
// answered; once it accepts the write, the service is Ready.
TEST_F(ConfigLimitsE2eTest, AConfigMapTheApiServerRefusesIsReportedAndTheCertificateStillIssued) {
  emulator::Faults refuse;
  refuse.refuse_writes_to = "configmaps";
  emulator_->api().setFaults(refuse);
  ASSERT_TRUE(client_->create(res::kPaymentServices, kNs, paymentService("payment", Json::object())).isOk());
  ControllerOptions o;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 200ms;
  startOperator(o);
  ASSERT_TRUE(waitFor([&] {
    Json c = condition("payment", kConfigReady);
    return !c.is_null() && c["reason"] == kConfigRefused;
  })) << object(res::kPaymentServices, "payment").dump();
  std::string message = condition("payment", kConfigReady)["message"];
  EXPECT_EQ(message.rfind("the API server refused the ConfigMap: ", 0), 0u) << message;
  EXPECT_NE(message.find("injected fault: writes to configmaps are refused"), std::string::npos) << message;
  EXPECT_EQ(condition("payment", kCertificateReady)["status"], "True");
  EXPECT_FALSE(tlsCrt().empty());
  EXPECT_TRUE(object(res::kConfigMaps, "payment-paymesh").is_null());
  EXPECT_TRUE(waitFor([&] { return warned("payment", kConfigRefused); }));
  EXPECT_TRUE(waitFor([&] { return metrics_.configsNotWritten() == 1; }));
  emulator_->api().setFaults({});
  ASSERT_TRUE(waitFor([&] { return ready("payment"); }));
  EXPECT_FALSE(object(res::kConfigMaps, "payment-paymesh").is_null());
  EXPECT_EQ(metrics_.configsNotWritten(), 0);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
