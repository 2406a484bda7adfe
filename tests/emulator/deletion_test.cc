// Deletion: preconditions, finalizers, garbage collection by owner reference, namespaces.

#include "emulator/deletion.h"

#include <gtest/gtest.h>

#include <thread>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

json ownedBy(const json& owner, const std::string& name) {
  json ref = {{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"name", owner["metadata"]["name"]},
              {"uid", owner["metadata"]["uid"]}};
  return withMetadata(configMap(name), {{"ownerReferences", json::array({ref})}});
}

TEST(Deletion, PreconditionsAndNotFound) {
  TestApi t;
  json cm = t.post(kConfigMaps, configMap("a")).body;
  auto r = t.del(kConfigMaps + "/a", {{"preconditions", {{"uid", "other"}}}});
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.message().find("Precondition failed: UID in precondition: other"), std::string::npos) << r.message();
  EXPECT_EQ(t.del(kConfigMaps + "/a", {{"preconditions", {{"resourceVersion", "1"}}}}).status, 409);
  EXPECT_EQ(t.del(kConfigMaps + "/a", {{"propagationPolicy", "Sideways"}}).status, 400);
  EXPECT_EQ(t.del(kConfigMaps + "/a", {{"preconditions", {{"uid", cm["metadata"]["uid"]}}}}).status, 200);
  EXPECT_EQ(t.del(kConfigMaps + "/a").status, 404);
}

TEST(Deletion, FinalizersHoldTheObjectUntilRemoved) {
  TestApi t;
  t.post(kConfigMaps, withMetadata(configMap("a"), {{"finalizers", {"paymesh.io/cleanup"}}}));
  auto r = t.del(kConfigMaps + "/a");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body["metadata"].contains("deletionTimestamp"));
  json held = t.get(kConfigMaps + "/a").body;
  EXPECT_TRUE(held["metadata"].contains("deletionTimestamp"));
  held["metadata"]["finalizers"] = json::array();
  EXPECT_EQ(t.put(kConfigMaps + "/a", held).status, 200);
  EXPECT_EQ(t.get(kConfigMaps + "/a").status, 404);
}

TEST(Deletion, DependentsGoWithTheirOwnerUnlessOrphanedOrOwnedElsewhere) {
  TestApi t;
  json owner = t.post(kConfigMaps, configMap("owner")).body;
  json other = t.post(kConfigMaps, configMap("other")).body;
  t.post(kConfigMaps, ownedBy(owner, "child"));
  t.post(kConfigMaps, ownedBy(t.post(kConfigMaps, ownedBy(owner, "middle")).body, "grandchild"));
  json shared = ownedBy(owner, "shared");
  shared["metadata"]["ownerReferences"].push_back(ownedBy(other, "x")["metadata"]["ownerReferences"][0]);
  t.post(kConfigMaps, shared);
  ASSERT_EQ(t.del(kConfigMaps + "/owner").status, 200);
  EXPECT_EQ(t.get(kConfigMaps + "/child").status, 404);
  EXPECT_EQ(t.get(kConfigMaps + "/grandchild").status, 404);  // recursively
  auto kept = t.get(kConfigMaps + "/shared");
  ASSERT_EQ(kept.status, 200);  // another live owner remains: only the reference goes
  EXPECT_EQ(kept.body["metadata"]["ownerReferences"].size(), 1u);

  json owner2 = t.post(kConfigMaps, configMap("owner2")).body;
  t.post(kConfigMaps, ownedBy(owner2, "orphan"));
  ASSERT_EQ(t.del(kConfigMaps + "/owner2", {{"propagationPolicy", "Orphan"}}).status, 200);
  auto orphan = t.get(kConfigMaps + "/orphan");
  ASSERT_EQ(orphan.status, 200);
  EXPECT_FALSE(orphan.body["metadata"].contains("ownerReferences"));
}

TEST(Deletion, CollectionByLabel) {
  TestApi t;
  t.post(kConfigMaps, withMetadata(configMap("a"), {{"labels", {{"x", "1"}}}}));
  t.post(kConfigMaps, configMap("b"));
  auto r = t.send("DELETE", kConfigMaps, "", "", {{"labelSelector", "x=1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["items"].size(), 1u);
  EXPECT_EQ(t.get(kConfigMaps + "/b").status, 200);
}

TEST(Deletion, NamespaceTerminatesThenGoesWithItsContents) {
  Options o;
  o.namespace_finalize_delay = std::chrono::milliseconds(100);
  TestApi t(o);
  ASSERT_EQ(t.post("/api/v1/namespaces", {{"metadata", {{"name", "gone"}}}}).status, 201);
  ASSERT_EQ(t.post("/api/v1/namespaces/gone/configmaps", withMetadata(configMap("c"), {{"finalizers", {"f"}}})).status,
            201);
  auto r = t.del("/api/v1/namespaces/gone");
  EXPECT_EQ(r.body["status"]["phase"], "Terminating");
  auto late = t.post("/api/v1/namespaces/gone/configmaps", configMap("late"));
  EXPECT_EQ(late.status, 403);
  for (int i = 0; i < 100 && t.get("/api/v1/namespaces/gone").status == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(t.get("/api/v1/namespaces/gone").status, 404);
  EXPECT_EQ(t.get("/api/v1/namespaces/gone/configmaps/c").status, 404);  // finalizers and all
}

TEST(Deletion, DryRunChangesNothing) {
  TestApi t;
  json owner = t.post(kConfigMaps, configMap("owner")).body;
  t.post(kConfigMaps, ownedBy(owner, "child"));
  t.post(kConfigMaps, withMetadata(configMap("held"), {{"finalizers", {"f"}}}));
  uint64_t rv = t.api.resourceVersion();
  auto r = t.del(kConfigMaps + "/owner", nullptr, {{"dryRun", "All"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["metadata"]["name"], "owner");
  auto held = t.del(kConfigMaps + "/held", {{"dryRun", {"All"}}});  // kubectl sends it in DeleteOptions
  EXPECT_TRUE(held.body["metadata"].contains("deletionTimestamp"));
  auto all = t.send("DELETE", kConfigMaps, R"({"dryRun":["All"]})");
  EXPECT_EQ(all.body["items"].size(), 3u);
  EXPECT_EQ(t.del("/api/v1/namespaces/default", nullptr, {{"dryRun", "All"}}).body["status"]["phase"], "Terminating");
  EXPECT_EQ(t.api.resourceVersion(), rv);
  EXPECT_EQ(t.get(kConfigMaps + "/child").status, 200);
  EXPECT_FALSE(t.get(kConfigMaps + "/held").body["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(t.get("/api/v1/namespaces/default").body["status"]["phase"], "Active");
  EXPECT_EQ(t.del(kConfigMaps + "/owner", {{"dryRun", {"Some"}}}).status, 422);
}

}  // namespace
}  // namespace paymesh::emulator
