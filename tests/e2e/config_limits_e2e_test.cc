// End-to-end: a caller whose sidecar ConfigMap outgrows Kubernetes' 1 MiB limit (its
// dependency scaled to hundreds of pods), with the operator against the API emulator,
// which enforces kube-apiserver's limits; and a ConfigMap the API server refuses. The
// ConfigMap in place is kept, the status, an Event and a metric say why, and the
// certificate is still written and renewed when due.

#include "base/base64.h"
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

// A Ready pod of `service` named `name`, labelled as the webhook labels the pods it injects.
Json podNamed(const std::string& service, const std::string& name, int subnet, int i) {
  std::string ip = "10." + std::to_string(subnet + i / 62500) + "." + std::to_string(i / 250 % 250) + "." +
                   std::to_string(i % 250 + 1);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name}, {"namespace", kNs}, {"labels", {{"app", service}, {"paymesh.io/service", service}}}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example.com/payments/" + service + ":1"}}}}}},
          {"status", {{"phase", "Running"}, {"podIP", ip}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}
// Long names (as a StatefulSet of a long-named workload has) make each endpoint cost ~330
// bytes of a caller's JSON endpoint file, ~280 of a binary one.
Json podOf(const std::string& service, int subnet, int i) {
  return podNamed(service, service + "-" + std::string(220, 'x') + "-" + std::to_string(i), subnet, i);
}
// The longest pod names there are (253 characters): ~3,750 pods of one service pass 1 MiB
// even in binary.
Json ledgerPod(int i) {
  std::string suffix = "-" + std::to_string(i);
  return podNamed("ledger", "ledger-" + std::string(253 - 7 - suffix.size(), 'x') + suffix, 2, i);
}

class ConfigLimitsE2eTest : public OperatorTest {
protected:
  Json object(const kube::ResourceRef& r, const std::string& name) {
    auto got = client_->get(r, kNs, name);
    return got.isOk() ? *got : Json();
  }
  // The data bytes of each ConfigMap of `service`'s configuration, by name.
  std::map<std::string, size_t> configMapsOf(const std::string& service) {
    std::map<std::string, size_t> out;
    auto list = client_->list(res::kConfigMaps, kNs, {});
    if (!list.isOk()) return out;
    for (const auto& cm : list->items) {
      std::string name = cm["metadata"]["name"];
      if (name != service + "-paymesh" && name.rfind(service + "-paymesh-eds-", 0) != 0) continue;
      size_t bytes = 0;
      const Json data = cm.value("data", Json::object());
      for (const auto& [file, content] : data.items()) bytes += content.get<std::string>().size();
      const Json binary = cm.value("binaryData", Json::object());
      for (const auto& [file, content] : binary.items()) bytes += base64Decode(content.get<std::string>())->size();
      out[name] = bytes;
    }
    return out;
  }
  // `count` services ledger-<d>, each with 900 long-named pods; their names as dependencies.
  Json createLedgers(int count) {
    Json deps = Json::array();
    for (int d = 0; d < count; ++d) {
      std::string name = "ledger-" + std::to_string(d);
      EXPECT_TRUE(client_->create(res::kPaymentServices, kNs, paymentService(name, Json::object())).isOk());
      deps.push_back({{"name", name}});
      std::vector<Json> pods;
      for (int i = 0; i < 900; ++i) pods.push_back(podOf(name, 10 + d, i));
      createPodsInProcess(pods);
    }
    return deps;
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

  // The ledger grows: payment's endpoint file for it alone passes 1 MiB, even in binary.
  std::vector<Json> more;
  for (int i = 1; i < 3900; ++i) more.push_back(ledgerPod(i));
  createPodsInProcess(more);
  ASSERT_TRUE(waitFor([&] {
    Json c = condition("payment", kConfigReady);
    return !c.is_null() && c["status"] == "False" && c["reason"] == kConfigTooLarge;
  })) << condition("payment", kConfigReady).dump();
  Json cond = condition("payment", kConfigReady);
  std::string message = cond["message"];
  EXPECT_NE(message.find("ConfigMap payments/payment-paymesh: eds-ledger.pb alone is "), std::string::npos) << message;
  EXPECT_NE(message.find("over Kubernetes' limit of 1,048,576 bytes for one ConfigMap"), std::string::npos) << message;
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
  EXPECT_TRUE(waitFor([&] { return metrics_.configsNotWritten() == 0; }));  // set after the status
}

// A caller of four services whose endpoint files together pass 1 MiB: they move into
// shards that each fit, the first ConfigMap keeps the rest, and the service is Ready; a
// new pod rewrites only the shard that holds its service's file; once the configuration
// fits one ConfigMap again, the shards are deleted.
TEST_F(ConfigLimitsE2eTest, AConfigurationOverOneConfigMapIsSplitIntoShardsAndJoinedAgain) {
  Json deps = createLedgers(4);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(client_->create(res::kPaymentServices, kNs, paymentService("payment", {{"dependencies", deps}})).isOk());
  ControllerOptions o;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  startOperator(o);
  ASSERT_TRUE(waitFor([&] { return ready("payment"); }, 30s)) << condition("payment", kReady).dump();
  std::map<std::string, size_t> split = configMapsOf("payment");
  ASSERT_GE(split.size(), 3u) << "the first and at least two shards";
  size_t total = 0;
  for (const auto& [name, bytes] : split) {
    EXPECT_LE(bytes, 1048576u) << name;
    total += bytes;
  }
  EXPECT_GT(total, 1048576u);
  Json first = object(res::kConfigMaps, "payment-paymesh");
  for (int d = 0; d < 4; ++d) EXPECT_FALSE(first["data"].contains("eds-ledger-" + std::to_string(d) + ".json"));
  EXPECT_EQ(object(res::kPaymentServices, "payment")["status"]["configHash"],
            first["metadata"]["annotations"]["paymesh.io/config-hash"]);

  // One pod more for ledger-2: its shard is rewritten, no other.
  std::map<std::string, std::string> versions;
  std::string holder;
  for (const auto& [name, bytes] : split) {
    Json cm = object(res::kConfigMaps, name);
    versions[name] = cm["metadata"]["resourceVersion"];
    if (cm["data"].contains("eds-ledger-2.json") && name != "payment-paymesh") holder = name;
  }
  ASSERT_FALSE(holder.empty());
  std::string hash = first["metadata"]["annotations"]["paymesh.io/config-hash"];
  createPod(podOf("ledger-2", 12, 900));
  ASSERT_TRUE(
      waitFor([&] { return object(res::kConfigMaps, holder)["metadata"]["resourceVersion"] != versions[holder]; }));
  ASSERT_TRUE(waitFor(
      [&] { return object(res::kPaymentServices, "payment")["status"]["configHash"] != hash && ready("payment"); }));
  for (const auto& [name, version] : versions) {
    if (name == holder || name == "payment-paymesh") continue;
    EXPECT_EQ(object(res::kConfigMaps, name)["metadata"]["resourceVersion"], version) << name << " was rewritten";
  }

  // Down to one dependency: one ConfigMap again, the shards deleted.
  Json one = {{"spec", {{"dependencies", {{{"name", "ledger-0"}}}}}}};
  ASSERT_TRUE(client_->patch(res::kPaymentServices, kNs, "payment", kube::PatchType::kMerge, one, false).isOk());
  ASSERT_TRUE(waitFor([&] { return ready("payment") && configMapsOf("payment").size() == 1; }))
      << configMapsOf("payment").size();
  EXPECT_TRUE(object(res::kConfigMaps, "payment-paymesh")["data"].contains("eds-ledger-0.json"));
}

// A dependency of 20,000 pods with Deployment-style names, next to three of 900 long-named
// ones, from a cold start: the caller's endpoint file for it is binary and every ConfigMap
// fits; the caller converges with kube-apiserver's limits enforced, and so does the
// dependency (its own ConfigMap fits too).
TEST_F(ConfigLimitsE2eTest, ADependencyOfTwentyThousandEndpointsConvergesWithEveryObjectWithinTheLimit) {
  Json deps = createLedgers(3);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(client_
                  ->create(res::kPaymentServices, kNs,
                           paymentService("clearing", {{"loadBalancing", {{"policy", "ConsistentHash"}}}}))
                  .isOk());
  deps.push_back({{"name", "clearing"}});
  std::vector<Json> clearing;
  for (int i = 0; i < 20000; ++i) {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "%05x", static_cast<unsigned>(i));
    clearing.push_back(podNamed("clearing", std::string("clearing-7d9f8c6b5d-") + suffix, 1, i));
  }
  createPodsInProcess(clearing);
  ASSERT_TRUE(client_->create(res::kPaymentServices, kNs, paymentService("payment", {{"dependencies", deps}})).isOk());
  ControllerOptions o;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  startOperator(o);
  ASSERT_TRUE(waitFor([&] { return ready("payment"); }, 120s)) << condition("payment", kReady).dump();
  std::map<std::string, size_t> split = configMapsOf("payment");
  ASSERT_GE(split.size(), 2u);
  size_t total = 0;
  for (const auto& [name, bytes] : split) {
    EXPECT_LE(bytes, 1048576u) << name;
    total += bytes;
  }
  EXPECT_GT(total, 1048576u);
  std::string holder;
  for (const auto& [name, bytes] : split)
    if (object(res::kConfigMaps, name).value("binaryData", Json::object()).contains("eds-clearing.pb")) holder = name;
  EXPECT_NE(holder, "") << "the 20,000 endpoints are in one binary file of one ConfigMap";
  EXPECT_NE(holder, "payment-paymesh");
  Json first = object(res::kConfigMaps, "payment-paymesh");
  EXPECT_EQ(object(res::kPaymentServices, "payment")["status"]["configHash"],
            first["metadata"]["annotations"]["paymesh.io/config-hash"]);
  ASSERT_TRUE(waitFor([&] { return current("clearing") && !object(res::kConfigMaps, "clearing-paymesh").is_null(); }));
  EXPECT_EQ(condition("clearing", kConfigReady)["status"], "True") << condition("clearing", kConfigReady).dump();
  for (const auto& [name, bytes] : configMapsOf("clearing")) EXPECT_LE(bytes, 1048576u) << name;
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
  EXPECT_TRUE(waitFor([&] { return metrics_.configsNotWritten() == 0; }));  // set after the status
}

}  // namespace
}  // namespace paymesh::ctrl::testing
