#include "kube/leader_gated_client.h"

#include <gtest/gtest.h>

#include "support/scripted_client.h"

namespace paymesh::kube {
namespace {

using testing::ScriptedClient;
namespace res = resources;

TEST(LeaderGatedClientTest, WritesPassOnlyWhileThisReplicaMayWrite) {
  ScriptedClient inner;
  std::atomic<bool> may_write{false};
  LeaderGatedClient gated(inner, may_write);
  Json cm = {{"metadata", {{"name", "a"}, {"namespace", "d"}}}};
  // Reads pass either way; writes are refused without reaching the server.
  inner.expectGet(res::kConfigMaps, "d", "a", cm);
  EXPECT_TRUE(gated.get(res::kConfigMaps, "d", "a").isOk());
  auto refused = gated.create(res::kConfigMaps, "d", cm);
  EXPECT_TRUE(isNotLeader(refused.status())) << refused.status().toString();
  EXPECT_TRUE(isNotLeader(gated.update(res::kConfigMaps, cm).status()));
  EXPECT_TRUE(isNotLeader(gated.updateStatus(res::kConfigMaps, cm).status()));
  EXPECT_TRUE(isNotLeader(gated.patch(res::kConfigMaps, "d", "a", PatchType::kMerge, Json::object(), false).status()));
  EXPECT_TRUE(isNotLeader(gated.remove(res::kConfigMaps, "d", "a", {})));
  EXPECT_FALSE(isNotLeader(Status(Code::kFailedPrecondition, "no mesh CA loaded")));
  // Once leading, they go through.
  may_write = true;
  inner.expectCreate(res::kConfigMaps, "d", "a").expectRemove(res::kConfigMaps, "d", "a");
  EXPECT_TRUE(gated.create(res::kConfigMaps, "d", cm).isOk());
  EXPECT_TRUE(gated.remove(res::kConfigMaps, "d", "a", {}).isOk());
  EXPECT_EQ(inner.calls().size(), 3u);
}

}  // namespace
}  // namespace paymesh::kube
