#include "operator/desired/ownership.h"

#include <gtest/gtest.h>

#include "model/endpoints.h"
#include "operator/desired/children.h"
#include "operator/test_util.h"

namespace paymesh::ctrl {
namespace {

using Json = nlohmann::json;
using Verdict = Ownership::Verdict;

const ChildOwner kLedger{"ledger", "uid-ledger"};

// A ConfigMap named as ledger's child, with `labels` and `owners`.
Json existing(Json labels, Json owners = nullptr) {
  Json meta = {{"name", "ledger-paymesh"}, {"namespace", "payments"}, {"labels", std::move(labels)}};
  if (!owners.is_null()) meta["ownerReferences"] = std::move(owners);
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta}};
}

Json ours() { return {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, "ledger"}}; }

Json controller(const std::string& kind, const std::string& name, const std::string& uid) {
  return Json::array({{{"apiVersion", "x/v1"}, {"kind", kind}, {"name", name}, {"uid", uid}, {"controller", true}}});
}

TEST(OwnershipTest, WrittenByPaymeshForThisServiceIsOurs) {
  // What childMetadata writes, as the API server returns it.
  Json child = {{"metadata", Json(childMetadata(testing::service("ledger"), "ledger-paymesh"))}};
  EXPECT_EQ(decideOwnership(child, kLedger).verdict, Verdict::kOurs);
  EXPECT_FALSE(collisionOf("ConfigMap", child, kLedger));
}

TEST(OwnershipTest, LabelledForThisServiceWithoutAControllerIsAnOrphanToAdopt) {
  // What `kubectl delete --cascade=orphan` leaves: the labels, no owner reference.
  EXPECT_EQ(decideOwnership(existing(ours()), kLedger).verdict, Verdict::kOrphan);
  // A non-controller owner does not make it someone else's.
  Json owners = Json::array({{{"kind", "Application"}, {"name", "gitops"}, {"uid", "u1"}}});
  EXPECT_EQ(decideOwnership(existing(ours(), owners), kLedger).verdict, Verdict::kOrphan);
  EXPECT_TRUE(decideOwnership(existing(ours()), kLedger).writable());
}

TEST(OwnershipTest, WithoutTheManagedByLabelItIsForeignEvenWithOurOwnerReference) {
  Json no_label = existing({{model::kServiceLabel, "ledger"}}, controller("PaymentService", "ledger", "uid-ledger"));
  Ownership held = decideOwnership(no_label, kLedger);
  EXPECT_EQ(held.verdict, Verdict::kForeign);
  EXPECT_EQ(held.why, "it is not labelled app.kubernetes.io/managed-by=paymesh");
  EXPECT_EQ(decideOwnership(existing({{kManagedByLabel, "helm"}}), kLedger).verdict, Verdict::kForeign);
  EXPECT_EQ(decideOwnership(existing(Json::object()), kLedger).verdict, Verdict::kForeign);
}

TEST(OwnershipTest, AnotherControllerMakesItForeignAndIsNamed) {
  EXPECT_EQ(decideOwnership(existing(ours(), controller("Deployment", "web", "u9")), kLedger).why,
            "it is controlled by Deployment web");
  EXPECT_EQ(decideOwnership(existing(ours(), controller("PaymentService", "payment", "uid-payment")), kLedger).why,
            "it is controlled by PaymentService payment");
}

TEST(OwnershipTest, WhatAnEarlierServiceOfTheSameNameLeftIsAnOrphan) {
  // Names are unique: a PaymentService ledger with another uid is gone.
  EXPECT_EQ(decideOwnership(existing(ours(), controller("PaymentService", "ledger", "uid-old")), kLedger).verdict,
            Verdict::kOrphan);
}

TEST(OwnershipTest, AnOwnerIsLiveWithItsUidAndNoDeletionUnderway) {
  Json live = {{"metadata", {{"name", "ledger"}, {"uid", "uid-ledger"}}}};
  EXPECT_TRUE(ownerIsLive({live}, kLedger));
  EXPECT_FALSE(ownerIsLive({}, kLedger)) << "gone";
  Json recreated = {{"metadata", {{"name", "ledger"}, {"uid", "uid-new"}}}};
  EXPECT_FALSE(ownerIsLive({recreated}, kLedger));
  live["metadata"]["deletionTimestamp"] = "2026-06-01T00:00:00Z";
  EXPECT_FALSE(ownerIsLive({live}, kLedger)) << "being deleted";
}

TEST(OwnershipTest, AnotherServicesLabelOrNoneMakesItForeign) {
  Json other = {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, "payment"}};
  EXPECT_EQ(decideOwnership(existing(other), kLedger).why, "it is labelled paymesh.io/service=payment");
  EXPECT_EQ(decideOwnership(existing({{kManagedByLabel, kManagedByValue}}), kLedger).why,
            "it has no paymesh.io/service label");
}

TEST(OwnershipTest, WronglyTypedMetadataIsForeignNotACrash) {
  for (Json meta : {Json{{"labels", "x"}}, Json{{"labels", {{kManagedByLabel, 7}}}},
                    Json{{"labels", ours()}, {"ownerReferences", "x"}},
                    Json{{"labels", ours()}, {"ownerReferences", {{{"controller", true}, {"kind", 1}}}}}, Json("x")}) {
    Json object = {{"metadata", meta}};
    EXPECT_NO_THROW(decideOwnership(object, kLedger)) << meta.dump();
  }
  EXPECT_EQ(decideOwnership(Json("x"), kLedger).verdict, Verdict::kForeign);
}

TEST(OwnershipTest, TheCollisionNamesTheObjectAndWhy) {
  auto c = collisionOf("ConfigMap", existing(Json::object()), kLedger);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->object, "ConfigMap payments/ledger-paymesh");
  EXPECT_EQ(c->message(),
            "ConfigMap payments/ledger-paymesh is in the way: it is not labelled "
            "app.kubernetes.io/managed-by=paymesh; paymesh does not overwrite objects it does not own");
  Json secret = {{"metadata", {{"name", "ledger-paymesh-tls"}, {"namespace", "payments"}}}};
  EXPECT_EQ(unlabelledCollision("Secret", secret).object, "Secret payments/ledger-paymesh-tls");
  EXPECT_EQ(unlabelledCollision("Secret", secret).why, "it is not labelled app.kubernetes.io/managed-by=paymesh");
}

}  // namespace
}  // namespace paymesh::ctrl
