// Create, update and patch: server-set fields, generation, optimistic concurrency,
// status split, no-op writes, namespaces.

#include "emulator/writes.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

const std::string kDeployments = "/apis/apps/v1/namespaces/default/deployments";

json deployment(int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}}},
          {"spec", {{"replicas", replicas}}},
          {"status", {{"readyReplicas", 9}}}};
}

TEST(Writes, CreateSetsServerFields) {
  TestApi t;
  auto r = t.post(kConfigMaps, withMetadata(configMap("a"), {{"uid", "mine"}, {"resourceVersion", "99"}}));
  ASSERT_EQ(r.status, 201);
  EXPECT_NE(r.body["metadata"]["uid"], "mine");
  EXPECT_EQ(r.body["metadata"]["generation"], 1);
  EXPECT_TRUE(r.body["metadata"].contains("creationTimestamp"));
  EXPECT_EQ(std::stoull(r.body["metadata"]["resourceVersion"].get<std::string>()), t.api.resourceVersion());
  auto again = t.post(kConfigMaps, configMap("a"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["reason"], "AlreadyExists");
  auto gen = t.post(kConfigMaps, {{"metadata", {{"generateName", "web-"}}}});
  ASSERT_EQ(gen.status, 201);
  EXPECT_EQ(gen.body["metadata"]["name"].get<std::string>().size(), 9u);
  EXPECT_EQ(t.post(kConfigMaps, {{"metadata", json::object()}}).status, 422);
  // Status is dropped on create for kinds with a status subresource.
  auto d = t.post(kDeployments, deployment(2));
  EXPECT_FALSE(d.body.contains("status"));
  auto pod = t.post("/api/v1/namespaces/default/pods",
                    {{"metadata", {{"name", "p"}}}, {"spec", {{"containers", {{{"name", "a"}, {"image", "i"}}}}}}});
  EXPECT_EQ(pod.body["status"]["phase"], "Pending");
}

TEST(Writes, NamespaceMustExistAndMatch) {
  TestApi t;
  auto r = t.post("/api/v1/namespaces/nowhere/configmaps", configMap("a"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.message(), "namespaces \"nowhere\" not found");
  EXPECT_EQ(t.post(kConfigMaps, withMetadata(configMap("a"), {{"namespace", "other"}})).status, 400);
  EXPECT_EQ(t.post(kConfigMaps, {{"kind", "Secret"}, {"metadata", {{"name", "a"}}}}).status, 400);
}

TEST(Writes, UpdateChecksResourceVersionAndBumpsGenerationOnSpecOnly) {
  TestApi t;
  json created = t.post(kDeployments, deployment(2)).body;
  json changed = created;
  changed["spec"]["replicas"] = 3;
  auto r = t.put(kDeployments + "/web", changed);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["metadata"]["generation"], 2);
  auto stale = t.put(kDeployments + "/web", changed);  // still carries the first resourceVersion
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["reason"], "Conflict");
  json labelled = r.body;
  labelled["metadata"]["labels"] = {{"a", "b"}};
  auto meta_only = t.put(kDeployments + "/web", labelled);
  EXPECT_EQ(meta_only.body["metadata"]["generation"], 2);
  // A write that changes nothing keeps the resourceVersion.
  auto noop = t.put(kDeployments + "/web", meta_only.body);
  EXPECT_EQ(noop.body["metadata"]["resourceVersion"], meta_only.body["metadata"]["resourceVersion"]);
  json renamed = noop.body;
  renamed["metadata"]["name"] = "other";
  EXPECT_EQ(t.put(kDeployments + "/web", renamed).status, 400);
}

TEST(Writes, StatusSubresourceSplit) {
  TestApi t;
  json created = t.post(kDeployments, deployment(2)).body;
  json with_status = created;
  with_status["status"] = {{"readyReplicas", 2}};
  with_status["spec"]["replicas"] = 7;
  auto st = t.put(kDeployments + "/web/status", with_status);
  ASSERT_EQ(st.status, 200);
  EXPECT_EQ(st.body["status"]["readyReplicas"], 2);
  EXPECT_EQ(st.body["spec"]["replicas"], 2);  // /status ignores the rest
  json spec_change = st.body;
  spec_change["status"] = {{"readyReplicas", 0}};
  auto main = t.put(kDeployments + "/web", spec_change);
  EXPECT_EQ(main.body["status"]["readyReplicas"], 2);  // the main endpoint ignores status
}

TEST(Writes, PatchKinds) {
  TestApi t;
  ASSERT_EQ(t.post(kConfigMaps, configMap("a", {{"x", "1"}})).status, 201);
  auto merge = t.patch(kConfigMaps + "/a", {{"data", {{"y", "2"}}}});
  EXPECT_EQ(merge.body["data"], json({{"x", "1"}, {"y", "2"}}));
  auto jp = t.patch(kConfigMaps + "/a", json::array({{{"op", "remove"}, {"path", "/data/x"}}}),
                    "application/json-patch+json");
  EXPECT_EQ(jp.body["data"], json({{"y", "2"}}));
  auto smp = t.patch(kConfigMaps + "/a", {{"data", {{"z", "3"}}}}, "application/strategic-merge-patch+json");
  EXPECT_EQ(smp.body["data"].size(), 2u);
  auto stale = t.patch(kConfigMaps + "/a", {{"metadata", {{"resourceVersion", "1"}}}});
  EXPECT_EQ(stale.status, 409);  // a resourceVersion in a patch is a precondition
  EXPECT_EQ(t.patch(kConfigMaps + "/nope", {{"data", json::object()}}).status, 404);
  EXPECT_EQ(t.send("PATCH", kConfigMaps + "/a", "a: b", "application/apply-patch+yaml").status, 415);
}

// As kube-apiserver: a resourceVersion in a merge patch of the status subresource is a
// precondition too (a stale status writer gets a Conflict, the current one goes through).
TEST(Writes, StatusMergePatchWithAResourceVersionIsConditional) {
  TestApi t;
  json created = t.post(kDeployments, deployment(2)).body;
  std::string read = created["metadata"]["resourceVersion"];
  json spec_change = {{"spec", {{"replicas", 3}}}};
  ASSERT_EQ(t.patch(kDeployments + "/web", spec_change).status, 200);  // someone else wrote since
  auto stale = t.patch(kDeployments + "/web/status",
                       {{"metadata", {{"resourceVersion", read}}}, {"status", {{"readyReplicas", 1}}}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["reason"], "Conflict");
  EXPECT_FALSE(t.get(kDeployments + "/web").body.contains("status"));
  std::string current = t.get(kDeployments + "/web").body["metadata"]["resourceVersion"];
  auto fresh = t.patch(kDeployments + "/web/status",
                       {{"metadata", {{"resourceVersion", current}}}, {"status", {{"readyReplicas", 1}}}});
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.body["status"]["readyReplicas"], 1);
  EXPECT_NE(fresh.body["metadata"]["resourceVersion"], current);
}

TEST(Writes, DryRunAnswersTheWouldBeObjectAndStoresNothing) {
  TestApi t;
  uint64_t rv = t.api.resourceVersion();
  auto created = t.post(kConfigMaps, configMap("a", {{"k", "1"}}), {{"dryRun", "All"}});
  ASSERT_EQ(created.status, 201);
  EXPECT_TRUE(created.body["metadata"].contains("uid"));
  EXPECT_FALSE(created.body["metadata"].contains("resourceVersion"));
  EXPECT_EQ(t.get(kConfigMaps + "/a").status, 404);
  EXPECT_EQ(t.api.resourceVersion(), rv);

  json stored = t.post(kConfigMaps, configMap("a", {{"k", "1"}})).body;
  json changed = stored;
  changed["data"]["k"] = "2";
  auto updated = t.send("PUT", kConfigMaps + "/a", changed.dump(), "application/json", {{"dryRun", "All"}});
  EXPECT_EQ(updated.body["data"]["k"], "2");
  auto patched = t.patch(kConfigMaps + "/a", {{"data", {{"k", "3"}}}}, "application/strategic-merge-patch+json",
                         {{"dryRun", "All"}});
  EXPECT_EQ(patched.body["data"]["k"], "3");
  EXPECT_EQ(patched.body["metadata"]["resourceVersion"], stored["metadata"]["resourceVersion"]);
  EXPECT_EQ(t.get(kConfigMaps + "/a").body, stored);  // untouched
  EXPECT_EQ(t.post(kConfigMaps, configMap("b"), {{"dryRun", "Bogus"}}).status, 422);
  // A dry run still validates.
  EXPECT_EQ(t.post(kConfigMaps, configMap("B"), {{"dryRun", "All"}}).status, 422);
}

}  // namespace
}  // namespace paymesh::emulator
