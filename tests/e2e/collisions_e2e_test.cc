// End-to-end: objects in the way of a PaymentService's children (a ConfigMap or Secret
// paymesh does not own, a child whose managed-by label was removed, an orphan left by
// `kubectl delete --cascade=orphan`), with the operator against the API emulator.

#include "base/base64.h"
#include "operator/status/conditions.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

ControllerOptions collisionOptions() {
  ControllerOptions o;
  o.queue.base_backoff = 20ms;
  o.queue.max_backoff = 2s;
  o.reconciler.collision_recheck = 100ms;
  return o;
}

class CollisionE2eTest : public OperatorTest {
protected:
  // Ready is False with reason ChildNameTaken and a message naming `object`, on a current status.
  bool taken(const std::string& service, const std::string& object) {
    Json ready = condition(service, kReady);
    return current(service) && !ready.is_null() && ready["status"] == "False" && ready["reason"] == kChildNameTaken &&
           ready["message"].get<std::string>().find(object + " is in the way") != std::string::npos;
  }
  Json object(const kube::ResourceRef& r, const std::string& name) {
    auto got = client_->get(r, "payments", name);
    return got.isOk() ? *got : Json();
  }
  void create(const kube::ResourceRef& r, const Json& obj) {
    auto c = client_->create(r, "payments", obj);
    ASSERT_TRUE(c.isOk()) << c.status().toString();
  }
  void start() {
    applyServices();
    applyPods();
    startOperator(collisionOptions());
  }
  void converge() {
    start();
    std::string diff;
    ASSERT_TRUE(waitFor([&] { return (diff = configMapsDiffer(expectedConfigs())).empty() && allReady(); })) << diff;
  }
};

Json foreignConfigMap() {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "ledger-paymesh"}, {"namespace", "payments"}}},
          {"data", {{"mine", "keep me"}}}};
}

Json foreignSecret() {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"type", "Opaque"},
          {"metadata", {{"name", "ledger-paymesh-tls"}, {"namespace", "payments"}}},
          {"data", {{"password", base64Encode("hunter2")}}}};
}

TEST_F(CollisionE2eTest, AForeignConfigMapIsLeftAloneReportedAndReplacedOnceDeleted) {
  create(res::kConfigMaps, foreignConfigMap());
  start();
  ASSERT_TRUE(waitFor([&] { return taken("ledger", "ConfigMap payments/ledger-paymesh"); }))
      << condition("ledger", kReady).dump();
  EXPECT_EQ(condition("ledger", kConfigReady)["reason"], kChildNameTaken);
  EXPECT_TRUE(waitFor([&] { return warned("ledger", kChildNameTaken); }));
  // The other child is not held back, and the object in the way is untouched.
  EXPECT_TRUE(waitFor([&] { return condition("ledger", kCertificateReady)["status"] == "True"; }));
  EXPECT_TRUE(object(res::kSecrets, "ledger-paymesh-tls").is_object());
  Json cm = object(res::kConfigMaps, "ledger-paymesh");
  EXPECT_EQ(cm["data"], foreignConfigMap()["data"]);
  EXPECT_FALSE(cm["metadata"].contains("labels"));
  EXPECT_FALSE(cm["metadata"].contains("ownerReferences"));
  // Gone: the next pass writes the ConfigMap and the condition clears.
  ASSERT_TRUE(client_->remove(res::kConfigMaps, "payments", "ledger-paymesh").isOk());
  std::string diff;
  EXPECT_TRUE(waitFor([&] { return (diff = configMapsDiffer(expectedConfigs())).empty() && ready("ledger"); }))
      << diff << condition("ledger", kReady).dump();
}

TEST_F(CollisionE2eTest, AForeignSecretIsLeftAloneAndTheConfigMapIsStillWritten) {
  create(res::kSecrets, foreignSecret());
  start();
  ASSERT_TRUE(waitFor([&] { return taken("ledger", "Secret payments/ledger-paymesh-tls"); }))
      << condition("ledger", kReady).dump();
  EXPECT_EQ(condition("ledger", kCertificateReady)["reason"], kChildNameTaken);
  EXPECT_EQ(condition("ledger", kConfigReady)["status"], "True");
  EXPECT_TRUE(waitFor([&] { return warned("ledger", kChildNameTaken); }));
  std::string diff;
  EXPECT_TRUE(waitFor([&] { return (diff = configMapsDiffer(expectedConfigs())).empty(); })) << diff;
  Json secret = object(res::kSecrets, "ledger-paymesh-tls");
  EXPECT_EQ(secret["data"], foreignSecret()["data"]);
  EXPECT_EQ(secret.value("type", ""), "Opaque");
  ASSERT_TRUE(client_->remove(res::kSecrets, "payments", "ledger-paymesh-tls").isOk());
  EXPECT_TRUE(waitFor([&] { return ready("ledger"); })) << condition("ledger", kReady).dump();
  secret = object(res::kSecrets, "ledger-paymesh-tls");
  EXPECT_TRUE(secret["data"].contains("tls.crt"));
}

// A child whose managed-by label was removed is foreign (the label is how paymesh scopes
// what it reads and writes); putting the label back hands it back.
TEST_F(CollisionE2eTest, AChildWhoseManagedByLabelWasRemovedIsForeignUntilTheLabelIsBack) {
  converge();
  Json cm = object(res::kConfigMaps, "ledger-paymesh");
  Json data = cm["data"];
  cm["metadata"]["labels"].erase(kManagedByLabel);
  cm["data"]["edited"] = "by hand";
  ASSERT_TRUE(client_->update(res::kConfigMaps, cm).isOk());
  ASSERT_TRUE(waitFor([&] { return taken("ledger", "ConfigMap payments/ledger-paymesh"); }))
      << condition("ledger", kReady).dump();
  EXPECT_NE(condition("ledger", kReady)["message"].get<std::string>().find(
                "not labelled app.kubernetes.io/managed-by=paymesh"),
            std::string::npos);
  Json now = object(res::kConfigMaps, "ledger-paymesh");
  EXPECT_EQ(now["data"]["edited"], "by hand") << "not overwritten";
  EXPECT_FALSE(now["metadata"]["labels"].contains(kManagedByLabel));
  // Labelled again: ours (its owner reference names this service), rewritten, Ready.
  now["metadata"]["labels"][kManagedByLabel] = kManagedByValue;
  ASSERT_TRUE(client_->update(res::kConfigMaps, now).isOk());
  EXPECT_TRUE(waitFor([&] {
    Json back = object(res::kConfigMaps, "ledger-paymesh");
    return ready("ledger") && back["data"] == data;
  })) << object(res::kConfigMaps, "ledger-paymesh").dump();
}

// `kubectl delete psvc ledger --cascade=orphan`, then ledger again: its children are
// adopted (the same objects, now owned by the new service), not reported nor recreated.
TEST_F(CollisionE2eTest, OrphansLeftByACascadeOrphanDeletionAreAdoptedByTheNewService) {
  converge();
  Json cm = object(res::kConfigMaps, "ledger-paymesh");
  Json secret = object(res::kSecrets, "ledger-paymesh-tls");
  Json svc = object(res::kPaymentServices, "ledger");
  kube::DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  ASSERT_TRUE(client_->remove(res::kPaymentServices, "payments", "ledger", orphan).isOk());
  ASSERT_TRUE(
      waitFor([&] { return !object(res::kConfigMaps, "ledger-paymesh")["metadata"].contains("ownerReferences"); }));
  Json again = {{"apiVersion", svc["apiVersion"]},
                {"kind", svc["kind"]},
                {"metadata", {{"name", "ledger"}, {"namespace", "payments"}}},
                {"spec", svc["spec"]}};
  create(res::kPaymentServices, again);
  std::string uid = object(res::kPaymentServices, "ledger")["metadata"]["uid"];
  ASSERT_NE(uid, svc["metadata"]["uid"]);
  auto ownedByNew = [&](const kube::ResourceRef& r, const std::string& name) {
    Json o = object(r, name);
    const Json& owners = o["metadata"].value("ownerReferences", Json::array());
    return owners.size() == 1 && owners[0].value("uid", "") == uid;
  };
  EXPECT_TRUE(waitFor([&] {
    return ready("ledger") && ownedByNew(res::kConfigMaps, "ledger-paymesh") &&
           ownedByNew(res::kSecrets, "ledger-paymesh-tls");
  })) << object(res::kConfigMaps, "ledger-paymesh").dump();
  EXPECT_EQ(object(res::kConfigMaps, "ledger-paymesh")["metadata"]["uid"], cm["metadata"]["uid"]) << "adopted";
  EXPECT_EQ(object(res::kSecrets, "ledger-paymesh-tls")["metadata"]["uid"], secret["metadata"]["uid"]);
  EXPECT_FALSE(warned("ledger", kChildNameTaken));
}

}  // namespace
}  // namespace paymesh::ctrl::testing
