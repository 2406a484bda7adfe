#include "operator/controller/mesh_ca_reconciler.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "kube/errors.h"
#include "reconciler_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

class MeshCaReconcilerTest : public ReconcilerTest {
protected:
  MeshCaReconciler reconciler() {
    return MeshCaReconciler({client_, secrets_, events_, mesh_, clock(), nullptr, [this] { ++ca_changes_; }});
  }
  const kube::ObjectKey key_{"paymesh-system", "paymesh-ca"};
  int ca_changes_ = 0;
};

TEST_F(MeshCaReconcilerTest, TheCaInUseIsFollowedAndLookedAtAgainWithinAMinute) {
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", ca_secret_);
  auto action = reconciler().reconcile(key_);
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  EXPECT_EQ(action->requeue_after, std::chrono::milliseconds(60000));
  EXPECT_EQ(ca_changes_, 0) << "the same CA: nothing to look at again";
}

TEST_F(MeshCaReconcilerTest, AKeyTheMeshConfigNoLongerNamesIsDropped) {
  auto action = reconciler().reconcile({"paymesh-system", "old-ca"});  // no call expected
  ASSERT_TRUE(action.isOk());
  EXPECT_FALSE(action->requeue_after);
}

TEST_F(MeshCaReconcilerTest, ADeletedSecretIsRestoredWithTheCaInUse) {
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", Status(Code::kNotFound, "not found"))
      .expectCreate(res::kSecrets, "paymesh-system", "paymesh-ca")
      .expectCreate(res::kEvents, "paymesh-system", "");
  auto action = reconciler().reconcile(key_);
  ASSERT_TRUE(action.isOk()) << action.status().toString();
  auto calls = client_.calls();
  for (const char* k : {"tls.crt", "tls.key", "ca.crt"})
    EXPECT_EQ(calls[1].body["data"][k], ca_secret_["data"][k]) << k;
  EXPECT_EQ(calls[2].body["reason"], "MeshCaRestored");
  EXPECT_EQ(calls[2].body["type"], "Warning");
  EXPECT_EQ(ca_changes_, 0) << "no leaf needs reissuing";
}

TEST_F(MeshCaReconcilerTest, ASecretReplacedByHandBecomesTheCaInUse) {
  auto other = pki::CertificateAuthority::create({}, fixedNow() - 1h);
  ASSERT_TRUE(other.isOk());
  Json replaced = caSecretObject(defaultMeshConfig(), *other);
  replaced["metadata"]["resourceVersion"] = "9";
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", replaced);
  ASSERT_TRUE(reconciler().reconcile(key_).isOk());
  EXPECT_EQ(ca_changes_, 1);
  EXPECT_EQ(mesh_.get()->ca->id(), other->id());
}

TEST_F(MeshCaReconcilerTest, AnUnreadableSecretFailsThePassAndKeepsTheCaInUse) {
  Json broken = ca_secret_;
  broken["data"]["tls.key"] = base64Encode("not a key");
  auto before = mesh_.get();
  client_.expectGet(res::kSecrets, "paymesh-system", "paymesh-ca", broken);
  auto action = reconciler().reconcile(key_);
  ASSERT_FALSE(action.isOk());
  EXPECT_NE(action.status().message().find("paymesh-system/paymesh-ca"), std::string::npos)
      << action.status().message();
  EXPECT_EQ(mesh_.get(), before);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
