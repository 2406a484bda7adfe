// End-to-end: the operator (in-process, or the paymesh-operator binary) against the
// Kubernetes API emulator.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/base64.h"
#include "operator/controller/pass_clock.h"
#include "operator/desired/ca_rotation.h"
#include "operator/desired/children.h"
#include "operator/status/conditions.h"
#include "pki/rotation.h"
#include "pki/tls_secret.h"
#include "support/child_process.h"
#include "support/run_command.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

ControllerOptions fastOptions() {
  ControllerOptions o;
  o.workers = 4;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  return o;
}

std::chrono::seconds idleWindow() {
  const char* env = std::getenv("PAYMESH_E2E_IDLE_SECONDS");
  return std::chrono::seconds(env ? std::atoi(env) : 10);
}

// Waits until the cluster's ConfigMaps equal `want`; reports the last difference.
void expectConfigMaps(OperatorTest* t, const std::map<std::string, Expected>& want,
                      std::chrono::milliseconds timeout = 60s) {
  std::string diff;
  bool ok = waitFor([&] { return (diff = t->configMapsDiffer(want)).empty(); }, timeout);
  EXPECT_TRUE(ok) << diff;
}

class OperatorE2eTest : public OperatorTest {
protected:
  void converge(ControllerOptions options = fastOptions()) {
    applyServices();
    applyPods();
    startOperator(options);
    expectConfigMaps(this, expectedConfigs());
    ASSERT_TRUE(waitFor([&] { return allReady(); })) << services().front().dump();
  }
};

TEST_F(OperatorE2eTest, ExamplesConvergeToRenderOutputSecretsAndReadyStatus) {
  converge();
  auto want = expectedConfigs();
  EXPECT_EQ(want.size(), 5u);
  auto ca = client_->get(res::kSecrets, "paymesh-system", "paymesh-ca");
  ASSERT_TRUE(ca.isOk());
  auto ca_material = pki::readTlsSecret(*ca);
  ASSERT_TRUE(ca_material.isOk());
  for (const auto& svc : services()) {
    std::string name = svc["metadata"]["name"];
    std::string uid = svc["metadata"]["uid"];
    const Json& st = svc["status"];
    for (const char* c : {kReady, kConfigReady, kCertificateReady, kDependenciesResolved, kRingReady})
      EXPECT_EQ(conditionStatus(svc, c), "True") << name << " " << c << ": " << st.dump();
    const auto& cfg = want.at("payments/" + name);
    EXPECT_EQ(st.value("ringChecksum", ""), cfg.observed.ring_checksum) << name;
    EXPECT_EQ(st.value("configHash", ""), cfg.config_hash()) << name;
    EXPECT_GT(st.value("endpoints", 0), 0) << name;
    EXPECT_FALSE(st.value("certificateNotAfter", "").empty());
    // Children owned by the service (controller reference).
    auto cm = client_->get(res::kConfigMaps, "payments", name + "-paymesh");
    ASSERT_TRUE(cm.isOk());
    EXPECT_EQ(cm->at("metadata").at("ownerReferences").at(0).at("uid"), uid);
    EXPECT_EQ(cm->at("metadata").at("ownerReferences").at(0).at("controller"), true);
    auto secret = client_->get(res::kSecrets, "payments", name + "-paymesh-tls");
    ASSERT_TRUE(secret.isOk()) << name;
    EXPECT_EQ(secret->at("metadata").at("ownerReferences").at(0).at("uid"), uid);
    auto material = pki::readTlsSecret(*secret);
    ASSERT_TRUE(material.isOk()) << material.status().toString();
    EXPECT_EQ(material->leaf().uris().at(0),
              "spiffe://cluster.local/ns/payments/sa/" + svc["spec"].value("serviceAccount", name));
    EXPECT_TRUE(material->bundle.verify(material->leaf(), {}, std::chrono::system_clock::now()).isOk());
    EXPECT_EQ(material->bundle.toPem(), ca_material->leaf().toPem());
  }
}

TEST_F(OperatorE2eTest, RenderedConfigMapsEqualPaymeshctlRenderOutput) {
  converge();
  // The binary on the same files prints the same ConfigMaps (data, labels, annotations).
  std::string out_dir = ::testing::TempDir() + "/render-" + std::to_string(getpid());
  std::string cmd = std::string(PAYMESH_BINARY_DIR) +
                    "/paymeshctl/paymeshctl render -f " PAYMESH_SOURCE_DIR "/examples/payments -f " PAYMESH_SOURCE_DIR
                    "/examples/endpoints -o " +
                    out_dir + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (const auto& svc : services()) {
    std::string name = svc["metadata"]["name"];
    auto printed = readAll({out_dir + "/payments/" + name + "-paymesh.yaml"});
    ASSERT_EQ(printed.size(), 1u);
    const Json& want = printed[0].doc.value;
    auto got = client_->get(res::kConfigMaps, "payments", name + "-paymesh");
    ASSERT_TRUE(got.isOk());
    EXPECT_EQ(got->at("data"), want.at("data")) << name;
    EXPECT_EQ(got->at("metadata").at("labels"), want.at("metadata").at("labels")) << name;
    EXPECT_EQ(got->at("metadata").at("annotations"), want.at("metadata").at("annotations")) << name;
  }
}

TEST_F(OperatorE2eTest, ScalingADependencyUpdatesItsRingAndItsDependents) {
  converge();
  Json extra = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", "settlement-7d9f8-dx3q"},
        {"namespace", "payments"},
        {"labels", {{"app", "settlement"}, {"paymesh.io/service", "settlement"}}}}},
      {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example.com/payments/settlement:1"}}}}}},
      {"status",
       {{"phase", "Running"}, {"podIP", "10.8.0.99"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  auto before = expectedConfigs();
  auto after = expectedConfigs({extra});
  ASSERT_NE(before.at("payments/settlement").config_map["data"]["ring.json"],
            after.at("payments/settlement").config_map["data"]["ring.json"]);
  ASSERT_NE(before.at("payments/payment").config_hash(), after.at("payments/payment").config_hash())
      << "payment calls settlement: its endpoint file changes";
  createPod(extra);
  expectConfigMaps(this, after);
  // Scale down again: the pod stops being Ready.
  auto pod = client_->get(res::kPods, "payments", "settlement-7d9f8-dx3q");
  ASSERT_TRUE(pod.isOk());
  Json st = pod->at("status");
  st["conditions"][0]["status"] = "False";
  setPodStatus(*pod, st);
  expectConfigMaps(this, before);
  ASSERT_TRUE(client_->remove(res::kPods, "payments", "settlement-7d9f8-dx3q").isOk());
  expectConfigMaps(this, before);
  EXPECT_TRUE(waitFor([&] {
    auto s = client_->get(res::kPaymentServices, "payments", "settlement");
    return s.isOk() &&
           s->at("status").value("ringChecksum", "") == before.at("payments/settlement").observed.ring_checksum;
  }));
}

// The keys payment's provider reads: a rotation in the ConfigMap reaches payment's
// sidecar configuration through the operator's watch; a broken JWKS and a deleted one
// leave the last good configuration in place with the reason in the status.
TEST_F(OperatorE2eTest, RotatedJwksIsRenderedAndABrokenOneKeepsTheLastGoodConfig) {
  converge();
  auto cm = client_->get(res::kConfigMaps, "payments", "payment-idp-jwks");
  ASSERT_TRUE(cm.isOk()) << cm.status().toString();
  Json keys = Json::parse((*cm)["data"]["jwks.json"].get<std::string>());
  Json rotated_key = keys["keys"][0];
  rotated_key["kid"] = "idp-2027-01";
  keys["keys"].push_back(rotated_key);
  Json rotated = *cm;
  rotated["data"]["jwks.json"] = keys.dump(2);
  auto want = expectedConfigs({rotated});
  ASSERT_NE(want.at("payments/payment").config_hash(), expectedConfigs().at("payments/payment").config_hash());
  ASSERT_TRUE(client_->update(res::kConfigMaps, rotated).isOk());
  expectConfigMaps(this, want);

  auto reasonOf = [&] {
    auto svc = client_->get(res::kPaymentServices, "payments", "payment");
    if (!svc.isOk()) return std::string();
    for (const auto& c : svc->value("status", Json::object()).value("conditions", Json::array()))
      if (c.value("type", "") == kConfigReady) return c.value("reason", "");
    return std::string();
  };
  Json broken = *client_->get(res::kConfigMaps, "payments", "payment-idp-jwks");
  broken["data"]["jwks.json"] = R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})";
  ASSERT_TRUE(client_->update(res::kConfigMaps, broken).isOk());
  EXPECT_TRUE(waitFor([&] { return reasonOf() == "JwksInvalid"; })) << reasonOf();
  ASSERT_TRUE(client_->remove(res::kConfigMaps, "payments", "payment-idp-jwks").isOk());
  EXPECT_TRUE(waitFor([&] { return reasonOf() == "JwksNotFound"; })) << reasonOf();
  EXPECT_EQ(configMapsDiffer(want), "") << "the sidecars keep the last good keys";
}

TEST_F(OperatorE2eTest, DeletingAPaymentServiceRemovesItsChildrenAndDependentsReportIt) {
  converge();
  ASSERT_TRUE(client_->remove(res::kPaymentServices, "payments", "ledger").isOk());
  EXPECT_TRUE(waitFor([&] {
    return kube::isNotFound(client_->get(res::kConfigMaps, "payments", "ledger-paymesh").status()) &&
           kube::isNotFound(client_->get(res::kSecrets, "payments", "ledger-paymesh-tls").status());
  }));
  auto want = expectedConfigs({}, {"ledger"});
  EXPECT_EQ(want.at("payments/clearing").observed.missing, std::vector<std::string>{"ledger"});
  expectConfigMaps(this, want);
  EXPECT_TRUE(waitFor([&] {
    auto s = client_->get(res::kPaymentServices, "payments", "clearing");
    return s.isOk() && conditionStatus(*s, kDependenciesResolved) == "False" &&
           conditionStatus(*s, kConfigReady) == "True";
  }));
  auto clearing = client_->get(res::kPaymentServices, "payments", "clearing");
  bool named = false;
  for (const auto& c : clearing->at("status").at("conditions"))
    if (c["type"] == kDependenciesResolved)
      named = c["message"].get<std::string>().find("\"ledger\"") != std::string::npos;
  EXPECT_TRUE(named);
  // An Event tells a person.
  EXPECT_TRUE(waitFor([&] {
    auto evs = client_->list(res::kEvents, "payments", {});
    if (!evs.isOk()) return false;
    for (const auto& e : evs->items)
      if (e.value("reason", "") == "DependencyNotFound" && e["involvedObject"].value("name", "") == "clearing")
        return true;
    return false;
  }));
}

TEST_F(OperatorE2eTest, IdleAfterConvergenceWritesNothing) {
  converge();
  // Let the echoes of the last writes settle, then watch a quiet window.
  std::this_thread::sleep_for(500ms);
  uint64_t rv = emulator_->api().resourceVersion();
  double writes = 0;
  for (auto k : {obs::WriteKind::kConfigMap, obs::WriteKind::kSecret, obs::WriteKind::kStatus, obs::WriteKind::kEvent})
    writes += metrics_.writeCount(k);
  std::this_thread::sleep_for(idleWindow());
  EXPECT_EQ(emulator_->api().resourceVersion(), rv) << "something was written while idle";
  double after = 0;
  for (auto k : {obs::WriteKind::kConfigMap, obs::WriteKind::kSecret, obs::WriteKind::kStatus, obs::WriteKind::kEvent})
    after += metrics_.writeCount(k);
  EXPECT_EQ(after, writes);
  // A level-triggered pass over everything (as a resync would) still writes nothing.
  auto passes = controller_->passes();
  controller_->enqueueAll();
  ASSERT_TRUE(waitFor([&] { return controller_->passes() >= passes + 5; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(emulator_->api().resourceVersion(), rv);
}

TEST_F(OperatorE2eTest, FaultsEndInTheFaultFreeState) {
  emulator::Faults faults;
  faults.seed = 7;
  faults.drop_watch_every = 7;
  faults.conflict_rate = 0.2;
  faults.throttle_rate = 0.05;
  faults.error_rate = 0.15;
  emulator_->api().setFaults(faults);
  // The test's own writes go through while faults are off.
  emulator_->api().setFaults({});
  applyServices();
  applyPods();
  emulator_->api().setFaults(faults);
  startOperator(fastOptions());
  auto want = expectedConfigs();
  // Faults stay on while the operator converges.
  bool converged = waitFor([&] { return configMapsDiffer(want).empty() && allReady(); }, 90s);
  emulator_->api().setFaults({});
  ASSERT_TRUE(converged) << configMapsDiffer(want);
  EXPECT_GT(controller_->failures(), 0u) << "the faults were hit";
  expectConfigMaps(this, want);
  EXPECT_TRUE(waitFor([&] { return allReady(); }));
  // Exactly one ConfigMap and one Secret per service.
  auto cms = client_->list(res::kConfigMaps, "payments", {"app.kubernetes.io/managed-by=paymesh", "", 0, ""});
  auto secrets = client_->list(res::kSecrets, "payments", {"app.kubernetes.io/managed-by=paymesh", "", 0, ""});
  ASSERT_TRUE(cms.isOk() && secrets.isOk());
  EXPECT_EQ(cms->items.size(), 5u);
  EXPECT_EQ(secrets->items.size(), 5u);
}

// A clock that moves only when the test moves it: the operator's own requeues (it looks
// at the clock again every few real milliseconds, PassClock::kManual) renew the
// certificate once the test has taken the clock to its renewal time, and never before,
// however slow the machine is.
TEST_F(OperatorE2eTest, CertificateRenewedOnTimeWithoutAnyChangeToTheService) {
  const auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto offset = std::make_shared<std::atomic<int64_t>>(0);  // simulated seconds ahead of start
  ControllerOptions o = fastOptions();
  o.reconciler.now = [start, offset] { return start + std::chrono::seconds(offset->load()); };
  o.reconciler.clock_rate = PassClock::kManual;
  auto moveTo = [&](std::chrono::seconds since_start) { offset->store(since_start.count()); };
  Json svc = {{"apiVersion", "paymesh.io/v1alpha1"},
              {"kind", "PaymentService"},
              {"metadata", {{"name", "fx"}, {"namespace", "payments"}}},
              {"spec",
               {{"selector", {{"matchLabels", {{"app", "fx"}}}}},
                {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
                {"tls", {{"certificate", {{"duration", "5m"}}}}}}}};
  ASSERT_TRUE(client_->create(res::kPaymentServices, "payments", svc).isOk());
  startOperator(o);
  auto tlsCrt = [&] {
    auto s = client_->get(res::kSecrets, "payments", "fx-paymesh-tls");
    return s.isOk() ? s->at("data").value("tls.crt", "") : std::string();
  };
  ASSERT_TRUE(waitFor([&] { return !tlsCrt().empty(); }));
  auto before = client_->get(res::kPaymentServices, "payments", "fx");
  ASSERT_TRUE(before.isOk());
  // Renewed twice, each time exactly when due, with no event on the service.
  for (int renewal = 1; renewal <= 2; ++renewal) {
    SCOPED_TRACE("renewal " + std::to_string(renewal));
    std::string crt = tlsCrt();
    auto material = pki::readTlsSecret(*client_->get(res::kSecrets, "payments", "fx-paymesh-tls"));
    ASSERT_TRUE(material.isOk()) << material.status().toString();
    auto due = pki::renewalTime(material->leaf().notBefore(), material->leaf().notAfter(), std::nullopt);
    auto due_offset = std::chrono::ceil<std::chrono::seconds>(due - start);
    // A second before: the operator's own passes come and go, the certificate stays.
    moveTo(due_offset - 1s);
    auto passes = controller_->passes();
    ASSERT_TRUE(waitFor([&] { return controller_->passes() >= passes + 3; }));
    EXPECT_EQ(tlsCrt(), crt) << "renewed before it was due";
    moveTo(due_offset);
    ASSERT_TRUE(waitFor([&] { return tlsCrt() != crt; }));
    auto renewed = pki::readTlsSecret(*client_->get(res::kSecrets, "payments", "fx-paymesh-tls"));
    ASSERT_TRUE(renewed.isOk());
    EXPECT_GT(renewed->leaf().notAfter(), o.reconciler.now());
    EXPECT_LE(renewed->leaf().notBefore(), o.reconciler.now());
  }
  auto after = client_->get(res::kPaymentServices, "payments", "fx");
  ASSERT_TRUE(after.isOk());
  EXPECT_EQ(after->at("metadata").at("generation"), before->at("metadata").at("generation"));
  EXPECT_EQ(after->at("spec"), before->at("spec"));
}

TEST_F(OperatorE2eTest, WebhookCertificateIssuedAndCaBundleHoldsOldAndNewCa) {
  // A CA Secret mid-rotation: signing with the new CA, trusting the old and the new.
  auto now = std::chrono::system_clock::now();
  auto old_ca = pki::CertificateAuthority::create({}, now);
  auto new_ca = pki::CertificateAuthority::create({}, now);
  ASSERT_TRUE(old_ca.isOk() && new_ca.isOk());
  Json ca_secret = caSecretObject(mesh(), *new_ca);
  ca_secret["data"]["ca.crt"] = base64Encode(new_ca->certificate().toPem() + old_ca->certificate().toPem());
  ASSERT_TRUE(client_->create(res::kSecrets, "paymesh-system", ca_secret).isOk());
  auto created = client_->create(res::kMutatingWebhookConfigurations, "", injectorConfiguration());
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  startOperator(fastOptions());
  pki::TrustBundle both;
  both.add(new_ca->certificate());
  both.add(old_ca->certificate());
  ASSERT_TRUE(waitFor([&] {
    auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
    return c.isOk() && c->at("webhooks").at(0).at("clientConfig").value("caBundle", "") == both.caBundle();
  }));
  auto secret = client_->get(res::kSecrets, "paymesh-system", "paymesh-webhook-tls");
  ASSERT_TRUE(secret.isOk());
  auto material = pki::readTlsSecret(*secret);
  ASSERT_TRUE(material.isOk()) << material.status().toString();
  EXPECT_TRUE(material->leaf().isSignedBy(new_ca->certificate()));
  EXPECT_TRUE(both.verify(material->leaf(), {}, now, pki::TrustBundle::Purpose::kServer).isOk());
  auto names = material->leaf().dnsNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "paymesh-webhook.paymesh-system.svc"), names.end());
  // Level-triggered: another pass changes nothing.
  uint64_t rv = emulator_->api().resourceVersion();
  controller_->enqueueAll();
  auto passes = controller_->passes();
  ASSERT_TRUE(waitFor([&] { return controller_->passes() > passes; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(emulator_->api().resourceVersion(), rv);
}

// A deleted CA Secret is put back with the CA in use: nothing it signed needs reissuing.
TEST_F(OperatorE2eTest, DeletedMeshCaSecretIsRestoredWithTheCaInUse) {
  converge();
  auto ca_before = client_->get(res::kSecrets, "paymesh-system", "paymesh-ca");
  ASSERT_TRUE(ca_before.isOk());
  std::string name = services().front()["metadata"]["name"];
  auto leaf_before = client_->get(res::kSecrets, "payments", name + "-paymesh-tls");
  ASSERT_TRUE(leaf_before.isOk());
  ASSERT_TRUE(client_->remove(res::kSecrets, "paymesh-system", "paymesh-ca").isOk());
  ASSERT_TRUE(waitFor([&] {
    controller_->enqueueAll();  // the CA Secret may be outside the watched set: poke the pass
    std::this_thread::sleep_for(50ms);
    return client_->get(res::kSecrets, "paymesh-system", "paymesh-ca").isOk();
  }));
  auto restored = client_->get(res::kSecrets, "paymesh-system", "paymesh-ca");
  EXPECT_NE(restored->at("metadata").at("uid"), ca_before->at("metadata").at("uid"));
  for (const char* k : {"tls.crt", "tls.key", "ca.crt"})
    EXPECT_EQ(restored->at("data").at(k), ca_before->at("data").at(k)) << k;
  // Level-triggered passes over everything leave the leaves as they were.
  controller_->enqueueAll();
  auto passes = controller_->passes();
  ASSERT_TRUE(waitFor([&] { return controller_->passes() > passes + services().size(); }));
  EXPECT_EQ(client_->get(res::kSecrets, "payments", name + "-paymesh-tls")->at("data"), leaf_before->at("data"));
  EXPECT_TRUE(allReady());
}

// The operator-created mesh CA reaches 2/3 of its life on a manual clock and is replaced
// phase by phase: at every step each peer (workload Secrets, webhook serving Secret, the
// injector's caBundle) trusts whatever signs the certificates in use.
TEST_F(OperatorE2eTest, MeshCaRotatesWithOldAndNewTrustedUntilNothingUsesTheOld) {
  const auto start = std::chrono::system_clock::now();
  auto offset = std::make_shared<std::atomic<int64_t>>(0);  // simulated seconds ahead of start
  ControllerOptions o = fastOptions();
  o.reconciler.now = [start, offset] { return start + std::chrono::seconds(offset->load()); };
  ASSERT_TRUE(client_->create(res::kMutatingWebhookConfigurations, "", injectorConfiguration()).isOk());
  applyServices();
  applyPods();
  startOperator(o);
  ASSERT_TRUE(waitFor([&] { return allReady(); }));

  auto caSecret = [&] { return *client_->get(res::kSecrets, "paymesh-system", "paymesh-ca"); };
  auto phaseOf = [&](const Json& secret) {
    return Json::parse(secret["metadata"]["annotations"].value(kCaRotationAnnotation, "{}")).value("phase", "");
  };
  auto pem = [](const Json& secret, const char* key) { return *base64Decode(secret["data"][key].get<std::string>()); };
  auto a = pki::parsePemCertificates(pem(caSecret(), "tls.crt"))->front();
  EXPECT_EQ(phaseOf(caSecret()), "Active");
  // Every leaf paymesh wrote (workloads and the webhook) with its ca.crt, and the caBundle.
  auto leaves = [&] {
    std::vector<Json> out;
    kube::ListOptions sel;
    sel.label_selector = "app.kubernetes.io/managed-by=paymesh";
    for (const char* ns : {"payments", "paymesh-system"}) {
      auto list = client_->list(res::kSecrets, ns, sel);
      if (!list.isOk()) continue;
      for (auto& s : list->items)
        if (s["metadata"]["name"] != "paymesh-ca") out.push_back(std::move(s));
    }
    return out;
  };
  auto caBundle = [&] {
    auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
    return *base64Decode(c->at("webhooks").at(0).at("clientConfig").value("caBundle", ""));
  };
  // Every leaf signed by `signer`, every bundle (Secrets and caBundle) equal to `trusted`.
  auto peersAre = [&](const pki::Certificate& signer, const std::string& trusted) {
    auto all = leaves();
    if (all.size() != services().size() + 1 || caBundle() != trusted) return false;  // + the webhook's
    for (const auto& s : all) {
      auto leaf = pki::parsePemCertificates(pem(s, "tls.crt"));
      if (!leaf.isOk() || !leaf->front().isSignedBy(signer) || pem(s, "ca.crt") != trusted) return false;
    }
    return true;
  };
  // Moves the clock by `by` and pokes every pass until the CA Secret reaches `phase`.
  // A round of passes that writes nothing without getting there moves the clock on by
  // another `by` (peers have caught up; the next wait ends later): time moves only once
  // the operator has done all it had to at the current moment, never with the wall clock.
  auto advanceTo = [&](std::chrono::seconds by, const std::string& phase) {
    offset->fetch_add(by.count());
    uint64_t last_rv = 0;
    for (int round = 0; round < 200; ++round) {
      controller_->enqueueAll();
      if (!waitFor([&] { return controller_->idle(); }, 30s)) return false;
      std::this_thread::sleep_for(50ms);  // the informers see the last writes
      if (phaseOf(caSecret()) == phase) return true;
      uint64_t rv = emulator_->api().resourceVersion();
      if (rv == last_rv) offset->fetch_add(by.count());
      last_rv = rv;
    }
    return false;
  };
  const auto step = std::chrono::duration_cast<std::chrono::seconds>(mesh().ca.rotation_overlap);  // > delay

  // Due: B staged and trusted everywhere next to A; A still signs.
  auto due = caRotationDue(a);
  offset->store((std::chrono::ceil<std::chrono::seconds>(due - start) - step).count());  // + step: due
  ASSERT_TRUE(advanceTo(step, "NewCaStaged"));
  auto staged = caSecret();
  auto b = pki::parsePemCertificates(pem(staged, kNextCaCertKey))->front();
  std::string a_then_b = a.toPem() + b.toPem();
  EXPECT_EQ(pem(staged, "ca.crt"), a_then_b);
  EXPECT_EQ(metrics_.meshCaPhase(), "NewCaStaged");
  ASSERT_TRUE(waitFor([&] { return peersAre(a, a_then_b); }, 30s));

  // B signs; both stay trusted while leaves signed by A are replaced.
  ASSERT_TRUE(advanceTo(step, "NewCaActive"));
  std::string b_then_a = b.toPem() + a.toPem();
  EXPECT_EQ(pem(caSecret(), "tls.crt"), b.toPem());
  ASSERT_TRUE(waitFor(
      [&] {
        controller_->enqueueAll();
        return peersAre(b, b_then_a);
      },
      30s));

  // Nothing signed by A is left: one delay later A leaves every bundle.
  ASSERT_TRUE(advanceTo(step, "OldCaRemoved"));
  EXPECT_EQ(pem(caSecret(), "ca.crt"), b.toPem());
  ASSERT_TRUE(waitFor(
      [&] {
        controller_->enqueueAll();
        return peersAre(b, b.toPem());
      },
      30s));

  // Every peer holds {B} only: the rotation is over, B is the CA.
  ASSERT_TRUE(advanceTo(step, "Active"));
  EXPECT_EQ(pem(caSecret(), "tls.crt"), b.toPem());
  ASSERT_TRUE(waitFor([&] { return metrics_.meshCaPhase() == "Active"; }));
  EXPECT_FALSE(caSecret()["data"].contains(kNextCaCertKey));
  ASSERT_TRUE(waitFor([&] { return allReady(); }));
  // The phases are on record for a person.
  auto events = client_->list(res::kEvents, "paymesh-system", {});
  ASSERT_TRUE(events.isOk());
  std::set<std::string> reasons;
  for (const auto& e : events->items) reasons.insert(e.value("reason", ""));
  for (const char* r : {"MeshCaNewCaStaged", "MeshCaNewCaActive", "MeshCaOldCaRemoved", "MeshCaActive"})
    EXPECT_TRUE(reasons.count(r)) << r;
}

// --- the binary ---

class OperatorBinaryTest : public OperatorTest {};

TEST_F(OperatorBinaryTest, SigkillMidRunThenRestartConvergesWithoutDuplicatesOrOrphans) {
  applyServices();
  applyPods();
  std::string kc = kubeconfigFile();
  std::vector<std::string> args = {"--kubeconfig", kc, "--metrics-addr", "0", "--health-addr", "0", "--workers", "2"};
  {
    OperatorProcess first(args, ::testing::TempDir() + "/operator-first.log");
    // Kill it as soon as it has started writing.
    ASSERT_TRUE(waitFor([&] {
      auto cms = client_->list(res::kConfigMaps, "payments", {});
      return cms.isOk() && !cms->items.empty();
    }));
    first.kill(SIGKILL);
  }
  OperatorProcess second(args, ::testing::TempDir() + "/operator-second.log");
  auto want = expectedConfigs();
  std::string diff;
  EXPECT_TRUE(waitFor([&] { return (diff = configMapsDiffer(want)).empty() && allReady(); }, 60s)) << diff;
  auto cms = client_->list(res::kConfigMaps, "", {});
  auto secrets = client_->list(res::kSecrets, "", {});
  ASSERT_TRUE(cms.isOk() && secrets.isOk());
  std::map<std::string, std::string> uids;
  for (const auto& s : services()) uids[s["metadata"]["name"]] = s["metadata"]["uid"];
  size_t owned_cms = 0, owned_secrets = 0;
  for (const auto* list : {&cms->items, &secrets->items}) {
    for (const auto& o : *list) {
      const auto& owners = o["metadata"].value("ownerReferences", Json::array());
      std::string n = o["metadata"].value("name", "");
      if (n == "paymesh-ca" || n == "paymesh-webhook-tls") continue;  // the operator's own, not a service's
      if (o["metadata"].value("labels", Json::object()).contains(model::kJwksLabel)) continue;  // the user's keys
      ASSERT_EQ(owners.size(), 1u) << o["metadata"].dump();
      std::string owner = owners[0]["name"];
      ASSERT_TRUE(uids.count(owner)) << "orphan " << o["metadata"]["name"];
      EXPECT_EQ(owners[0]["uid"], uids[owner]);
      (list == &cms->items ? owned_cms : owned_secrets)++;
    }
  }
  EXPECT_EQ(owned_cms, uids.size());
  EXPECT_EQ(owned_secrets, uids.size());
  EXPECT_EQ(second.terminate(), 0) << "SIGTERM stops cleanly";
}

using paymesh::testing::freePort;

// A plain HTTP/1.0 GET on loopback: (status, body); status 0 when nothing answers.
std::pair<int, std::string> httpGet(uint16_t port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return {0, ""};
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req.data(), req.size()) < 0) {
    close(fd);
    return {0, ""};
  }
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  if (resp.size() < 12) return {0, ""};
  auto body = resp.find("\r\n\r\n");
  return {std::atoi(resp.c_str() + 9), body == std::string::npos ? "" : resp.substr(body + 4)};
}

TEST_F(OperatorBinaryTest, MetricsAndHealthEndpoints) {
  applyServices();
  applyPods();
  uint16_t metrics_port = freePort(), health_port = freePort();
  OperatorProcess op({"--kubeconfig", kubeconfigFile(), "--metrics-addr", "127.0.0.1:" + std::to_string(metrics_port),
                      "--health-addr", "127.0.0.1:" + std::to_string(health_port), "--log-format", "json"},
                     ::testing::TempDir() + "/operator-metrics.log");
  ASSERT_TRUE(waitFor([&] { return httpGet(health_port, "/readyz").first == 200; }, 30s));
  EXPECT_EQ(httpGet(health_port, "/healthz").first, 200);
  auto want = expectedConfigs();
  ASSERT_TRUE(waitFor([&] { return configMapsDiffer(want).empty() && allReady(); }, 60s));
  std::string text;
  ASSERT_TRUE(waitFor(
      [&] {
        auto [code, body] = httpGet(metrics_port, "/metrics");
        text = body;
        return code == 200 && body.find("paymesh_endpoints 10") != std::string::npos;
      },
      20s))
      << text;
  for (const char* series :
       {"paymesh_reconcile_total{controller=\"paymentservice\",result=\"success\"}",
        "paymesh_reconcile_total{controller=\"paymentservice\",result=\"error\"} 0",
        "paymesh_reconcile_duration_seconds_bucket", "paymesh_workqueue_depth", "paymesh_reconcile_retries_total",
        "paymesh_leader 1", "paymesh_operator_writes_total{kind=\"configmap\"} 5",
        "paymesh_certificate_min_seconds_to_expiry", "paymesh_payment_services 5",
        "paymesh_mesh_ca_rotation_phase{phase=\"Active\"} 1", "paymesh_mesh_ca_rotation_phase{phase=\"NewCaStaged\"} 0",
        "paymesh_mesh_ca_seconds_to_expiry"})
    EXPECT_NE(text.find(series), std::string::npos) << series;
  EXPECT_EQ(op.terminate(), 0);
}

// The mesh config mounted from a ConfigMap, as the kubelet lays it out and updates it: the
// contents in a timestamped directory, `..data` a symlink to it, `mesh.yaml` a symlink
// into `..data`; an update writes a new directory and renames a new `..data` over.
class MountedMeshConfig {
public:
  explicit MountedMeshConfig(const std::string& dir) : dir_(dir) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write("adminPort: 15000\n");
    std::filesystem::create_symlink("..data/mesh.yaml", dir_ + "/mesh.yaml");
  }
  ~MountedMeshConfig() { std::filesystem::remove_all(dir_); }
  std::string path() const { return dir_ + "/mesh.yaml"; }
  void write(const std::string& text) {
    std::string version = "..2026_01_01_" + std::to_string(++n_);
    std::filesystem::create_directories(dir_ + "/" + version);
    std::ofstream(dir_ + "/" + version + "/mesh.yaml") << text;
    std::filesystem::create_directory_symlink(version, dir_ + "/..data_tmp");
    std::filesystem::rename(dir_ + "/..data_tmp", dir_ + "/..data");
  }

private:
  std::string dir_;
  int n_ = 0;
};

TEST_F(OperatorBinaryTest, MeshConfigSwappedByTheKubeletIsReloadedWithoutRestart) {
  applyServices();
  applyPods();
  MountedMeshConfig mounted(::testing::TempDir() + "/mesh-mount-" + std::to_string(getpid()));
  std::string log = ::testing::TempDir() + "/operator-mesh-reload.log";
  OperatorProcess op({"--kubeconfig", kubeconfigFile(), "--metrics-addr", "0", "--health-addr", "0",
                      "--mesh-config=" + mounted.path()},
                     log);
  auto want = expectedConfigs();
  std::string diff;
  ASSERT_TRUE(waitFor([&] { return (diff = configMapsDiffer(want)).empty() && allReady(); }, 60s)) << diff;
  // The kubelet swaps in a new version: every sidecar configuration follows.
  mounted.write("adminPort: 15001\n");
  model::MeshConfig changed = mesh();
  changed.admin_port = 15001;
  auto want_changed = expectedConfigs({}, {}, &changed);
  ASSERT_NE(want_changed.at("payments/ledger").config_hash(), want.at("payments/ledger").config_hash());
  EXPECT_TRUE(waitFor([&] { return (diff = configMapsDiffer(want_changed)).empty(); }, 60s)) << diff;
  // A version that does not parse is logged and the previous config kept.
  mounted.write("adminPort: not-a-port\n");
  EXPECT_TRUE(waitFor(
      [&] {
        return paymesh::testing::slurp(log).find("mesh config not reloaded; keeping the previous one") !=
               std::string::npos;
      },
      30s))
      << paymesh::testing::slurp(log);
  EXPECT_EQ(configMapsDiffer(want_changed), "");
  EXPECT_EQ(op.terminate(), 0);
}

TEST_F(OperatorBinaryTest, TwoReplicasOneWritesAndTheStandbyTakesOverWithinTheLease) {
  applyServices();
  applyPods();
  std::string kc = kubeconfigFile();
  auto args = [&](const std::string& id) { return electingReplicaArgs(kc, id); };
  auto a = std::make_unique<OperatorProcess>(args("replica-a"), ::testing::TempDir() + "/operator-a.log");
  ASSERT_TRUE(waitFor([&] { return leaseHolder(*client_) == "replica-a"; }, 20s));
  auto b = std::make_unique<OperatorProcess>(args("replica-b"), ::testing::TempDir() + "/operator-b.log");
  auto want = expectedConfigs();
  ASSERT_TRUE(waitFor([&] { return configMapsDiffer(want).empty() && allReady(); }, 60s)) << configMapsDiffer(want);
  // Only the leader writes: the standby never took the Lease.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(leaseHolder(*client_), "replica-a");
  // Kill the leader; the standby takes over within the lease duration (plus a retry).
  a->kill(SIGKILL);
  auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(waitFor([&] { return leaseHolder(*client_) == "replica-b"; }, 20s));
  auto took = std::chrono::steady_clock::now() - killed;
  EXPECT_LT(took, 3s + 250ms + 2s) << "3s lease, 250ms retry, slack for a loaded machine";
  // The new leader reconciles: a new service converges.
  Json svc = {{"apiVersion", "paymesh.io/v1alpha1"},
              {"kind", "PaymentService"},
              {"metadata", {{"name", "fx"}, {"namespace", "payments"}}},
              {"spec",
               {{"selector", {{"matchLabels", {{"app", "fx"}}}}},
                {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}}}}};
  ASSERT_TRUE(client_->create(res::kPaymentServices, "payments", svc).isOk());
  EXPECT_TRUE(waitFor([&] { return client_->get(res::kConfigMaps, "payments", "fx-paymesh").isOk(); }, 30s));
  // SIGTERM releases the Lease.
  EXPECT_EQ(b->terminate(), 0);
  EXPECT_EQ(leaseHolder(*client_), "");
}

}  // namespace
}  // namespace paymesh::ctrl::testing
