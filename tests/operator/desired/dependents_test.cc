#include "operator/desired/dependents.h"

#include <gtest/gtest.h>

#include "operator/test_util.h"

namespace paymesh::ctrl {
namespace {

using testing::service;
using Names = std::set<std::string>;

TEST(DependentsIndexTest, DirectDependenciesAndAllowedCallers) {
  DependentsIndex idx;
  idx.update(service("payment", {{"dependencies", {{{"name", "settlement"}}, {{"name", "clearing"}}}}}));
  idx.update(service("settlement", {{"authorization", {{"allowedCallers", {"payment"}}}}}));
  EXPECT_EQ(idx.dependentsOf("payments", "settlement"), Names{"payment"});
  EXPECT_EQ(idx.dependentsOf("payments", "clearing"), Names{"payment"});
  // settlement's inbound RBAC names payment's service account.
  EXPECT_EQ(idx.dependentsOf("payments", "payment"), Names{"settlement"});
  EXPECT_EQ(idx.dependentsOf("other", "settlement"), Names{}) << "namespaces are separate";
}

TEST(DependentsIndexTest, FallbackReachesCallersOfThePrimary) {
  DependentsIndex idx;
  idx.update(service("payment", {{"dependencies", {{{"name", "settlement"}}}}}));
  idx.update(service("settlement", {{"resilience", {{"fallback", {{"service", "settlement-standby"}}}}}}));
  idx.update(service("settlement-standby"));
  // payment's config holds the standby's cluster: a standby change requeues payment.
  EXPECT_EQ(idx.dependentsOf("payments", "settlement-standby"), Names{"payment"});
}

TEST(DependentsIndexTest, MissingServicesAreIndexedSoTheirCreationRequeuesWaiters) {
  DependentsIndex idx;
  idx.update(service("payment", {{"dependencies", {{{"name", "ledger"}}}}}));
  EXPECT_EQ(idx.dependentsOf("payments", "ledger"), Names{"payment"});
}

TEST(DependentsIndexTest, UpdateReplacesAndRemoveForgets) {
  DependentsIndex idx;
  idx.update(service("payment", {{"dependencies", {{{"name", "a"}}}}}));
  idx.update(service("payment", {{"dependencies", {{{"name", "b"}}}}}));
  EXPECT_EQ(idx.dependentsOf("payments", "a"), Names{});
  EXPECT_EQ(idx.dependentsOf("payments", "b"), Names{"payment"});
  idx.remove("payments", "payment");
  EXPECT_EQ(idx.dependentsOf("payments", "b"), Names{});
  EXPECT_EQ(idx.size(), 0u);
}

TEST(DependentsIndexTest, SelfReferenceIsNotADependent) {
  DependentsIndex idx;
  idx.update(service("a", {{"authorization", {{"allowedCallers", {"a"}}}}}));
  EXPECT_EQ(idx.dependentsOf("payments", "a"), Names{});
}

}  // namespace
}  // namespace paymesh::ctrl
