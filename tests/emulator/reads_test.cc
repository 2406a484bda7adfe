// GET and LIST: selectors, paging with continue tokens, Tables.

#include "emulator/reads.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

using nlohmann::json;

class ReadsTest : public ::testing::Test {
protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) {
      json cm = withMetadata(configMap("c" + std::to_string(i)), {{"labels", {{"tier", i % 2 ? "odd" : "even"}}}});
      ASSERT_EQ(t_.post(kConfigMaps, cm).status, 201);
    }
  }
  TestApi t_;
};

TEST_F(ReadsTest, GetOneObject) {
  auto r = t_.get(kConfigMaps + "/c1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["kind"], "ConfigMap");
  EXPECT_EQ(r.body["metadata"]["namespace"], "default");
  r = t_.get(kConfigMaps + "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.message(), "configmaps \"nope\" not found");
  EXPECT_EQ(r.body["details"]["kind"], "configmaps");
}

TEST_F(ReadsTest, PagesWithContinueTokens) {
  auto first = t_.get(kConfigMaps, {{"limit", "2"}});
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body["items"].size(), 2u);
  EXPECT_EQ(first.body["metadata"]["remainingItemCount"], 3);
  std::string token = first.body["metadata"]["continue"];
  auto second = t_.get(kConfigMaps, {{"limit", "2"}, {"continue", token}});
  EXPECT_EQ(second.body["items"][0]["metadata"]["name"], "c2");
  EXPECT_EQ(second.body["metadata"]["resourceVersion"], first.body["metadata"]["resourceVersion"]);
  auto third = t_.get(kConfigMaps, {{"limit", "2"}, {"continue", second.body["metadata"]["continue"]}});
  EXPECT_EQ(third.body["items"].size(), 1u);
  EXPECT_FALSE(third.body["metadata"].contains("continue"));

  EXPECT_EQ(t_.get(kConfigMaps, {{"continue", "garbage"}}).status, 400);
  EXPECT_EQ(t_.get(kConfigMaps, {{"limit", "x"}}).status, 400);
  t_.post(kConfigMaps, configMap("later"));  // the history moves past the token's resourceVersion
  t_.api.expireHistory();
  auto expired = t_.get(kConfigMaps, {{"limit", "2"}, {"continue", token}});
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.body["reason"], "Expired");
}

TEST_F(ReadsTest, SelectorsFilterAndFilteredPagesStopEarly) {
  auto odd = t_.get(kConfigMaps, {{"labelSelector", "tier=odd"}});
  ASSERT_EQ(odd.body["items"].size(), 2u);
  auto named = t_.get("/api/v1/configmaps", {{"fieldSelector", "metadata.name=c3,metadata.namespace=default"}});
  ASSERT_EQ(named.body["items"].size(), 1u);
  EXPECT_EQ(named.body["kind"], "ConfigMapList");
  auto page = t_.get(kConfigMaps, {{"labelSelector", "tier=even"}, {"limit", "1"}});
  EXPECT_TRUE(page.body["metadata"].contains("continue"));
  EXPECT_FALSE(page.body["metadata"].contains("remainingItemCount"));  // as kube-apiserver, for filtered lists
  EXPECT_EQ(t_.get(kConfigMaps, {{"labelSelector", "tier in (odd"}}).status, 400);
}

TEST_F(ReadsTest, TablesForKubectl) {
  auto r = t_.send("GET", kConfigMaps, "", "", {}, {{"accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["kind"], "Table");
  EXPECT_EQ(r.body["rows"].size(), 5u);
  EXPECT_EQ(r.body["columnDefinitions"][0]["name"], "Name");
}

}  // namespace
}  // namespace paymesh::emulator
