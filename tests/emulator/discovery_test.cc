// Discovery and OpenAPI documents, as kubectl reads them.

#include "emulator/discovery.h"

#include <gtest/gtest.h>

#include "emulator/test_api.h"

namespace paymesh::emulator {
namespace {

TEST(Discovery, VersionGroupsAndResources) {
  TestApi t;
  EXPECT_EQ(t.get("/version").body["major"], "1");
  EXPECT_EQ(t.get("/api").body["versions"][0], "v1");
  bool has_leases = false;
  auto apis = t.get("/apis");
  for (const auto& g : apis.body["groups"]) has_leases = has_leases || g["name"] == "coordination.k8s.io";
  EXPECT_TRUE(has_leases);
  auto core = t.get("/api/v1");
  EXPECT_GE(core.body["resources"].size(), 7u);
  EXPECT_EQ(t.get("/apis/apps").body["versions"][0]["groupVersion"], "apps/v1");
  EXPECT_EQ(t.get("/apis/nope/v1").status, 404);
  EXPECT_EQ(t.get("/apis/nope").status, 404);
  auto healthz = t.get("/healthz");
  EXPECT_EQ(healthz.raw.body, "ok");
}

TEST(Discovery, OpenApiV3Only) {
  TestApi t;
  EXPECT_TRUE(t.get("/openapi/v3").body["paths"].contains("api/v1"));
  auto doc = t.get("/openapi/v3/apis/apps/v1");
  ASSERT_EQ(doc.status, 200);
  EXPECT_TRUE(doc.body.contains("components"));
  EXPECT_EQ(t.get("/openapi/v2").status, 404);
}

}  // namespace
}  // namespace paymesh::emulator
