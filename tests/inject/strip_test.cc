#include "inject/strip.h"

#include <gtest/gtest.h>

#include "inject/inject.h"
#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

TEST(StripTest, APodNeverInjectedIsUnchanged) {
  json pod = testing::replicaSetPod("settlement");
  EXPECT_EQ(stripInjection(pod), pod);
  EXPECT_EQ(stripInjection(json::array()), json::array());
}

TEST(StripTest, ListsAndMapsItDidNotTouchStayEvenWhenEmpty) {
  json pod = testing::replicaSetPod("settlement");
  pod["spec"]["initContainers"] = json::array();
  pod["spec"]["volumes"] = json::array();
  pod["metadata"]["annotations"] = json::object();
  EXPECT_EQ(stripInjection(pod), pod);
}

TEST(StripTest, UndoesAnInjection) {
  for (const char* mode : {R"({})", R"({"sidecar": {"mode": "Classic"}})"}) {
    json pod = testing::replicaSetPod("payment");
    auto injected = injectPod(pod, *testing::service("payment", {"settlement"}).service, testing::mesh(mode));
    ASSERT_TRUE(injected.isOk()) << injected.status().toString();
    json stripped = stripInjection(*injected);
    json expected = pod;
    expected["metadata"]["labels"]["paymesh.io/service"] = "payment";  // set again on every injection
    EXPECT_EQ(stripped, expected) << mode;
  }
}

TEST(StripTest, KeepsWhatTheUserSet) {
  json pod = testing::replicaSetPod("payment");
  pod["spec"]["containers"][0]["env"] = {{{"name", "PAYMESH_SETTLEMENT_ADDR"}, {"value", "10.0.0.1:1"}}};
  pod["spec"]["securityContext"] = {{"fsGroup", 2000}};
  pod["metadata"]["annotations"] = {{"team", "core"}};
  auto injected = injectPod(pod, *testing::service("payment", {"settlement"}).service, testing::defaultMesh());
  ASSERT_TRUE(injected.isOk());
  json stripped = stripInjection(*injected);
  EXPECT_EQ(stripped["spec"]["containers"][0]["env"], pod["spec"]["containers"][0]["env"]);
  EXPECT_EQ(stripped["spec"]["securityContext"], pod["spec"]["securityContext"]);
  EXPECT_EQ(stripped["metadata"]["annotations"], pod["metadata"]["annotations"]);
}

TEST(StripTest, AnUnreadableRecordStillRemovesTheReservedNames) {
  json pod = testing::replicaSetPod("settlement");
  pod["metadata"]["annotations"] = {{"paymesh.io/injected", "{not json"}};
  pod["spec"]["containers"].push_back({{"name", "paymesh-proxy"}, {"image", "old"}});
  pod["spec"]["volumes"] = {{{"name", "paymesh-tls"}}, {{"name", "data"}}};
  json stripped = stripInjection(pod);
  EXPECT_EQ(stripped["spec"]["containers"].size(), 1u);
  EXPECT_EQ(stripped["spec"]["volumes"], json::parse(R"([{"name": "data"}])"));
  EXPECT_FALSE(stripped["metadata"].contains("annotations"));
}

}  // namespace
}  // namespace paymesh::inject
