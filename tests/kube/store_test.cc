#include "kube/store.h"

#include <gtest/gtest.h>

namespace paymesh::kube {
namespace {

Json obj(const std::string& ns, const std::string& name, Json labels, const std::string& rv = "1") {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}, {"resourceVersion", rv},
                        {"managedFields", Json::array({{{"manager", "kubectl"}}})},
                        {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}}};
}

TEST(Store, UpsertEraseAndIndexes) {
  Store store;
  auto [old1, now1] = store.upsert(obj("a", "x", {{"app", "pay"}}));
  EXPECT_EQ(old1, nullptr);
  EXPECT_FALSE((*now1)["metadata"].contains("managedFields"));
  EXPECT_FALSE((*now1)["metadata"].contains("annotations"));
  store.upsert(obj("b", "y", {{"app", "pay"}}));
  store.upsert(obj("a", "z", {{"app", "clear"}}));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.byNamespace("a").size(), 2u);
  EXPECT_EQ(store.byLabel("app", "pay").size(), 2u);

  auto [old2, now2] = store.upsert(obj("a", "x", {{"app", "clear"}}, "2"));
  ASSERT_NE(old2, nullptr);
  EXPECT_EQ((*old2)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(store.byLabel("app", "pay").size(), 1u);
  EXPECT_EQ(store.byLabel("app", "clear").size(), 2u);

  EXPECT_NE(store.erase("a", "x"), nullptr);
  EXPECT_EQ(store.erase("a", "x"), nullptr);
  EXPECT_EQ(store.get("a", "x"), nullptr);
  EXPECT_EQ(store.byLabel("app", "clear").size(), 1u);

  auto previous = store.replace({obj("c", "w", {{"app", "pay"}})});
  EXPECT_EQ(previous.size(), 2u);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.byNamespace("a").empty());
  EXPECT_EQ(store.byLabel("app", "pay").size(), 1u);
}

TEST(Store, TrimPodKeepsWhatPaymeshReads) {
  Json pod = {{"metadata", {{"name", "p"}, {"namespace", "n"}, {"uid", "u"}, {"resourceVersion", "3"},
                            {"labels", {{"app", "x"}}}, {"annotations", {{"paymesh.io/weight", "5"}}},
                            {"ownerReferences", {{{"kind", "ReplicaSet"}, {"name", "rs"}, {"uid", "r"}, {"apiVersion", "apps/v1"}}}},
                            {"managedFields", Json::array()}, {"generateName", "p-"}}},
              {"spec", {{"nodeName", "node1"}, {"serviceAccountName", "sa"}, {"containers", Json::array({{{"name", "c"}}})}}},
              {"status", {{"phase", "Running"}, {"podIP", "10.0.0.1"}, {"hostIP", "1.1.1.1"},
                          {"conditions", {{{"type", "Initialized"}, {"status", "True"}}, {{"type", "Ready"}, {"status", "False"}}}}}}};
  trimPod(pod);
  EXPECT_EQ(pod["metadata"]["annotations"]["paymesh.io/weight"], "5");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0], Json({{"kind", "ReplicaSet"}, {"name", "rs"}, {"uid", "r"}}));
  EXPECT_FALSE(pod["metadata"].contains("generateName"));
  EXPECT_EQ(pod["spec"], Json({{"nodeName", "node1"}, {"serviceAccountName", "sa"}}));
  EXPECT_EQ(pod["status"]["conditions"], Json::array({{{"type", "Ready"}, {"status", "False"}}}));
  EXPECT_FALSE(pod["status"].contains("hostIP"));
}

}  // namespace
}  // namespace paymesh::kube
