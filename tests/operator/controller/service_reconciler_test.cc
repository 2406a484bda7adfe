#include "operator/controller/service_reconciler.h"

#include <gtest/gtest.h>

#include "kube/errors.h"
#include "kube/leader_gated_client.h"
#include "operator/controller/cache_view.h"
#include "operator/test_util.h"
#include "pki/tls_secret.h"
#include "reconciler_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

class ServiceReconcilerTest : public ReconcilerTest {
protected:
  PaymentServiceReconciler reconciler(kube::Client& client) {
    return PaymentServiceReconciler({parsed_, pods_, config_maps_, secrets_, jwks_config_maps_, jwks_secrets_},
                                    {client, children_, events_, gauges_, mesh_, clock(), nullptr});
  }
  Result<kube::Action> pass(const std::string& name) { return reconciler(client_).reconcile({"payments", name}); }

  // The writes of a first pass, applied to the caches as the watches would deliver them.
  void converge(const std::string& name) {
    client_.expectCreate(res::kConfigMaps, "payments", name + "-paymesh")
        .expectCreate(res::kSecrets, "payments", name + "-paymesh-tls")
        .expectPatch(res::kPaymentServices, "payments", name);
    ASSERT_TRUE(pass(name).isOk());
    auto calls = client_.calls();
    ASSERT_EQ(calls.size(), 3u);
    for (auto [store, body] : {std::pair{&config_maps_, calls[0].body}, std::pair{&secrets_, calls[1].body}}) {
      body["metadata"]["resourceVersion"] = "1";
      cache(*store, body);
    }
    Json svc = *services_.get("payments", name);
    svc.merge_patch(calls[2].body);
    svc["metadata"]["resourceVersion"] = "2";
    cache(services_, svc);
  }
};

TEST_F(ServiceReconcilerTest, FirstPassWritesConfigMapSecretAndStatusOnce) {
  Json ledger = serviceJson("ledger");
  ledger["metadata"]["resourceVersion"] = "5";
  cache(services_, ledger);
  client_.expectCreate(res::kConfigMaps, "payments", "ledger-paymesh")
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "ledger");
  auto action = pass("ledger");
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 3u);
  // Exactly what buildDesired gives for the same caches: one computation.
  CacheView view(parsed_, pods_, jwks_config_maps_, jwks_secrets_, "payments");
  auto svc = *parsed_.get({"payments", "ledger"})->service;
  Desired want = buildDesired({svc, view, mesh().mesh, nullptr, nullptr, fixedNow()});
  EXPECT_EQ(calls[0].body, Json(*want.config_map));
  auto material = pki::readTlsSecret(calls[1].body);
  ASSERT_TRUE(material.isOk()) << material.status().toString();
  EXPECT_TRUE(material->leaf().isSignedBy(mesh().ca->certificate()));
  EXPECT_EQ(calls[1].body["metadata"]["ownerReferences"][0]["uid"], "uid-ledger");
  // One merge patch of the status subresource, with the generation it reconciled.
  EXPECT_EQ(calls[2].patch_type, kube::PatchType::kMerge);
  EXPECT_TRUE(calls[2].status_subresource);
  EXPECT_EQ(calls[2].body["status"]["observedGeneration"], 1);
  EXPECT_EQ(calls[2].body["status"]["configHash"], want.config_hash);
  // Conditional on the object it was computed from: a Conflict if it changed since.
  EXPECT_EQ(calls[2].body["metadata"]["resourceVersion"], "5");
  // Requeued for the certificate's renewal (2/3 of its 24h life), no event needed.
  ASSERT_TRUE(action->requeue_after);
  EXPECT_GT(*action->requeue_after, std::chrono::milliseconds(15h));
  EXPECT_LT(*action->requeue_after, std::chrono::milliseconds(17h));
}

TEST_F(ServiceReconcilerTest, APassOverWhatIsInPlaceWritesNothing) {
  cache(services_, serviceJson("ledger"));
  converge("ledger");
  size_t before = client_.calls().size();
  auto action = pass("ledger");  // the strict client fails the test on any call
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  EXPECT_EQ(client_.calls().size(), before);
  EXPECT_TRUE(action->requeue_after);
}

// A transient failure of the ConfigMap's write: the certificate is still written, no
// status (it would call the configuration in force), and the pass fails to be retried.
TEST_F(ServiceReconcilerTest, AFailedWriteFailsThePassBeforeAnyStatus) {
  cache(services_, serviceJson("ledger"));
  client_
      .expectCreate(res::kConfigMaps, "payments", "ledger-paymesh",
                    ScriptedClient::fail(Status(Code::kUnavailable, "HTTP 500")))
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls");
  auto action = pass("ledger");
  ASSERT_FALSE(action.isOk());
  EXPECT_EQ(action.status().code(), Code::kUnavailable);
}

TEST_F(ServiceReconcilerTest, AFailedSecretWriteFailsThePassBeforeAnyStatus) {
  cache(services_, serviceJson("ledger"));
  client_.expectCreate(res::kConfigMaps, "payments", "ledger-paymesh")
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls",
                    ScriptedClient::fail(Status(Code::kUnavailable, "HTTP 500")));
  auto action = pass("ledger");
  ASSERT_FALSE(action.isOk());
  EXPECT_EQ(action.status().code(), Code::kUnavailable);
}

// Refused for good (422): the certificate is written, the status says why, and the pass
// fails so that it is retried with backoff.
TEST_F(ServiceReconcilerTest, AConfigMapRefusedForGoodIsInTheStatusAndTheCertificateStillWritten) {
  cache(services_, serviceJson("ledger"));
  const std::string answer = "ConfigMap \"ledger-paymesh\" is invalid: data: Too long: must have at most 1048576 bytes";
  client_
      .expectCreate(res::kConfigMaps, "payments", "ledger-paymesh",
                    ScriptedClient::fail(Status(Code::kInvalidArgument, answer)))
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "ledger")
      .expectCreate(res::kEvents, "payments", "")   // Ready False
      .expectCreate(res::kEvents, "payments", "");  // ConfigReady False
  auto action = pass("ledger");
  ASSERT_FALSE(action.isOk());
  EXPECT_EQ(action.status().code(), Code::kInvalidArgument);
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[4].body["reason"], kConfigRefused);
  EXPECT_EQ(calls[4].body["type"], "Warning");
  EXPECT_TRUE(pki::readTlsSecret(calls[1].body).isOk());
  Json status = calls[2].body["status"];
  Json config_ready;
  for (const auto& c : status["conditions"])
    if (c["type"] == kConfigReady) config_ready = c;
  EXPECT_EQ(config_ready["status"], "False");
  EXPECT_EQ(config_ready["reason"], kConfigRefused);
  EXPECT_EQ(config_ready["message"], "the API server refused the ConfigMap: " + answer + "; the one in place is kept");
  EXPECT_TRUE(status.value("configHash", Json()).is_null()) << "nothing was ever written";
}

TEST_F(ServiceReconcilerTest, ADeletedServiceLeavesOnlyWhatItDoesNotOwn) {
  cache(services_, serviceJson("ledger"));
  converge("ledger");
  services_.erase("payments", "ledger");
  // The ConfigMap is still its (a racing pass wrote it after the collector ran); the
  // Secret was taken over by someone else and is left alone.
  Json secret = *secrets_.get("payments", "ledger-paymesh-tls");
  secret["metadata"]["ownerReferences"][0]["name"] = "other";
  cache(secrets_, secret);
  client_.expectRemove(res::kConfigMaps, "payments", "ledger-paymesh");
  auto action = pass("ledger");
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  EXPECT_FALSE(action->requeue_after);
}

TEST_F(ServiceReconcilerTest, AServiceDeletedBeforeItsStatusIsDone) {
  cache(services_, serviceJson("ledger"));
  client_.expectCreate(res::kConfigMaps, "payments", "ledger-paymesh")
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "ledger",
                   ScriptedClient::fail(Status(Code::kNotFound, "paymentservices \"ledger\" not found")));
  auto action = pass("ledger");
  ASSERT_TRUE(action.isOk()) << "the next pass cleans up";
  EXPECT_FALSE(action->requeue_after);
}

TEST_F(ServiceReconcilerTest, AnInvalidSpecIsReportedAndNothingElseWritten) {
  Json bad = serviceJson("ledger");
  bad["spec"]["ports"] = Json::array();
  cache(services_, bad);
  client_.expectPatch(res::kPaymentServices, "payments", "ledger");
  ASSERT_TRUE(pass("ledger").isOk());
  Json status = client_.calls().at(0).body["status"];
  bool said = false;
  for (const auto& c : status["conditions"])
    if (c["type"] == "ConfigReady") said = c["message"].get<std::string>().rfind("invalid spec: spec.ports", 0) == 0;
  EXPECT_TRUE(said) << status.dump();
}

TEST_F(ServiceReconcilerTest, ADueCertificateIsRenewedWithAnEvent) {
  cache(services_, serviceJson("ledger", {{"tls", {{"certificate", {{"duration", "1h"}}}}}}));
  converge("ledger");
  // 50 minutes later the 1h certificate is past 2/3 of its life.
  auto later = PassClock{[] { return fixedNow() + 50min; }, 1.0};
  client_.expectUpdate(res::kSecrets, "payments", "ledger-paymesh-tls")
      .expectCreate(res::kEvents, "payments", "")
      .expectPatch(res::kPaymentServices, "payments", "ledger");
  PaymentServiceReconciler r({parsed_, pods_, config_maps_, secrets_, jwks_config_maps_, jwks_secrets_},
                             {client_, children_, events_, gauges_, mesh_, later, nullptr});
  ASSERT_TRUE(r.reconcile({"payments", "ledger"}).isOk());
  auto calls = client_.calls();
  const Json& event = calls[calls.size() - 2].body;
  EXPECT_EQ(event["reason"], "CertificateRenewed");
  EXPECT_EQ(event["involvedObject"]["name"], "ledger");
  EXPECT_EQ(calls[calls.size() - 3].body["metadata"]["resourceVersion"], "1") << "conditional on what was read";
}

// A Secret labelled for paymesh but controlled by someone else: never read as the
// certificate, never written; the ConfigMap is written all the same, and the status says
// which object is in the way, with a Warning Event, and the service is looked at again.
TEST_F(ServiceReconcilerTest, AForeignSecretIsLeftAloneTheConfigMapIsWrittenAndTheStatusNamesIt) {
  cache(services_, serviceJson("ledger"));
  Json foreign = {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"name", "ledger-paymesh-tls"},
                    {"namespace", "payments"},
                    {"resourceVersion", "4"},
                    {"labels", {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, "ledger"}}},
                    {"ownerReferences",
                     {{{"apiVersion", "cert-manager.io/v1"},
                       {"kind", "Certificate"},
                       {"name", "ledger"},
                       {"uid", "u-cert"},
                       {"controller", true}}}}}},
                  {"data", {{"tls.crt", "eA=="}}}};
  cache(secrets_, foreign);
  client_.expectCreate(res::kConfigMaps, "payments", "ledger-paymesh")
      .expectPatch(res::kPaymentServices, "payments", "ledger")
      .expectCreate(res::kEvents, "payments", "")
      .expectCreate(res::kEvents, "payments", "");
  auto action = pass("ledger");
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 4u);
  const Json& status = calls[1].body["status"];
  EXPECT_EQ(status["observedGeneration"], 1);
  std::map<std::string, Json> conds;
  for (const auto& c : status["conditions"]) conds[c["type"]] = c;
  EXPECT_EQ(conds["Ready"]["status"], "False");
  EXPECT_EQ(conds["Ready"]["reason"], "ChildNameTaken");
  EXPECT_EQ(conds["Ready"]["message"],
            "Secret payments/ledger-paymesh-tls is in the way: it is controlled by Certificate ledger; paymesh does "
            "not overwrite objects it does not own");
  EXPECT_EQ(conds["CertificateReady"]["reason"], "ChildNameTaken");
  EXPECT_EQ(conds["ConfigReady"]["status"], "True");
  EXPECT_EQ(calls[2].body["type"], "Warning");
  EXPECT_EQ(calls[2].body["reason"], "ChildNameTaken");
  ASSERT_TRUE(action->requeue_after);
  EXPECT_EQ(*action->requeue_after, std::chrono::milliseconds(30s)) << "looked at again while in the way";
}

// A create that runs into an object the label-filtered cache does not hold: the same
// report, and the other child is still written.
TEST_F(ServiceReconcilerTest, AlreadyExistsOnCreateIsACollisionNotARetry) {
  cache(services_, serviceJson("ledger"));
  client_
      .expectCreate(res::kConfigMaps, "payments", "ledger-paymesh",
                    ScriptedClient::fail({Code::kAlreadyExists, "configmaps \"ledger-paymesh\" already exists"}))
      .expectCreate(res::kSecrets, "payments", "ledger-paymesh-tls")
      .expectPatch(res::kPaymentServices, "payments", "ledger")
      .expectCreate(res::kEvents, "payments", "")
      .expectCreate(res::kEvents, "payments", "");
  ::testing::internal::CaptureStderr();
  auto action = pass("ledger");
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 5u);
  std::map<std::string, Json> conds;
  for (const auto& c : calls[2].body["status"]["conditions"]) conds[c["type"]] = c;
  EXPECT_EQ(conds["Ready"]["reason"], "ChildNameTaken");
  EXPECT_EQ(conds["ConfigReady"]["message"],
            "ConfigMap payments/ledger-paymesh is in the way: it is not labelled app.kubernetes.io/managed-by=paymesh; "
            "paymesh does not overwrite objects it does not own");
  EXPECT_EQ(conds["CertificateReady"]["status"], "True");
  EXPECT_NE(log.find("level=info msg=\"child not written: an object paymesh does not own holds its name\" "
                     "object=\"ConfigMap payments/ledger-paymesh\""),
            std::string::npos)
      << log;
}

// What `kubectl delete --cascade=orphan` leaves is adopted: updated with the owner reference.
TEST_F(ServiceReconcilerTest, AnOrphanedChildIsAdoptedByWritingTheOwnerReference) {
  cache(services_, serviceJson("ledger"));
  converge("ledger");
  Json orphan = *config_maps_.get("payments", "ledger-paymesh");
  orphan["metadata"].erase("ownerReferences");
  cache(config_maps_, orphan);
  // A service gone meanwhile (the cache is behind) adopts nothing: the pass is retried.
  client_.expectList(res::kPaymentServices, "payments", kube::ObjectList{});
  auto stale = pass("ledger");
  ASSERT_FALSE(stale.isOk());
  EXPECT_TRUE(kube::isConflict(stale.status())) << stale.status().toString();
  // A live read confirms it: adopted.
  client_
      .expectList(res::kPaymentServices, "payments", kube::ObjectList{{*services_.get("payments", "ledger")}, "9", ""})
      .expectUpdate(res::kConfigMaps, "payments", "ledger-paymesh");
  size_t before = client_.calls().size();
  ASSERT_TRUE(pass("ledger").isOk());
  auto calls = client_.calls();
  ASSERT_EQ(calls.size(), before + 2) << "adopted; the status did not change";
  EXPECT_EQ(calls[before].verb, ScriptedClient::Verb::kList);
  EXPECT_EQ(calls.back().body["metadata"]["ownerReferences"][0]["uid"], "uid-ledger");
}

TEST_F(ServiceReconcilerTest, AReplicaThatDoesNotLeadWritesNothing) {
  cache(services_, serviceJson("ledger"));
  kube::WriteGate gate;  // closed: no renewal
  kube::LeaderGatedClient gated(client_, gate);
  ChildWriter children(gated, nullptr);
  PaymentServiceReconciler r({parsed_, pods_, config_maps_, secrets_, jwks_config_maps_, jwks_secrets_},
                             {gated, children, events_, gauges_, mesh_, clock(), nullptr});
  auto action = r.reconcile({"payments", "ledger"});
  ASSERT_FALSE(action.isOk());
  EXPECT_TRUE(kube::isNotLeader(action.status())) << action.status().toString();
  EXPECT_TRUE(client_.calls().empty());
}

TEST_F(ServiceReconcilerTest, NoMeshCaNoPass) {
  mesh_.set(nullptr);
  auto action = pass("ledger");
  ASSERT_FALSE(action.isOk());
  EXPECT_EQ(action.status().code(), Code::kFailedPrecondition);
}

TEST_F(ServiceReconcilerTest, DependencyEndpointsComeFromItsLabelledPods) {
  cache(services_, serviceJson("payment", {{"dependencies", {{{"name", "ledger"}}}}}));
  cache(services_, serviceJson("ledger"));
  cache(pods_, pod("payments", "ledger-a", "ledger", "10.0.0.7", true));
  Json unlabelled = pod("payments", "ledger-b", "ledger", "10.0.0.8", true);
  unlabelled["metadata"]["labels"].erase("paymesh.io/service");  // not injected: not an endpoint
  cache(pods_, unlabelled);
  converge("payment");
  std::string eds = client_.calls().at(0).body["data"]["eds-ledger.json"];
  EXPECT_NE(eds.find("10.0.0.7"), std::string::npos) << eds;
  EXPECT_EQ(eds.find("10.0.0.8"), std::string::npos) << eds;
}

}  // namespace
}  // namespace paymesh::ctrl::testing
