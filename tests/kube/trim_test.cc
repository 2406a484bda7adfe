#include "kube/trim.h"

#include <gtest/gtest.h>

#include "model/endpoints.h"

namespace paymesh::kube {
namespace {

TEST(TrimTest, TrimPodKeepsWhatPaymeshReads) {
  Json pod = {
      {"metadata",
       {{"name", "p"},
        {"namespace", "n"},
        {"uid", "u"},
        {"resourceVersion", "3"},
        {"labels", {{"app", "x"}}},
        {"annotations", {{"paymesh.io/weight", "5"}}},
        {"ownerReferences", {{{"kind", "ReplicaSet"}, {"name", "rs"}, {"uid", "r"}, {"apiVersion", "apps/v1"}}}},
        {"managedFields", Json::array()},
        {"generateName", "p-"}}},
      {"spec", {{"nodeName", "node1"}, {"serviceAccountName", "sa"}, {"containers", Json::array({{{"name", "c"}}})}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.0.0.1"},
        {"hostIP", "1.1.1.1"},
        {"conditions", {{{"type", "Initialized"}, {"status", "True"}}, {{"type", "Ready"}, {"status", "False"}}}}}}};
  trimPod(pod);
  EXPECT_EQ(pod["metadata"]["annotations"]["paymesh.io/weight"], "5");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0], Json({{"kind", "ReplicaSet"}, {"name", "rs"}, {"uid", "r"}}));
  EXPECT_FALSE(pod["metadata"].contains("generateName"));
  EXPECT_EQ(pod["spec"], Json({{"nodeName", "node1"}, {"serviceAccountName", "sa"}}));
  EXPECT_EQ(pod["status"]["conditions"], Json::array({{{"type", "Ready"}, {"status", "False"}}}));
  EXPECT_FALSE(pod["status"].contains("hostIP"));
}

// Wrongly typed Pod fields (the emulator, or any server that does not check them, keeps
// them) are left out of the lean Pod as if absent, and reported; nothing throws. Before,
// a Ready condition whose status was a number threw type_error.302 from trimPod.
TEST(TrimTest, TrimPodDropsWronglyTypedFieldsAsAbsent) {
  Json pod = {
      {"metadata", {{"name", "p"}, {"namespace", "n"}, {"ownerReferences", {1, {{"kind", 2}, {"name", "rs"}}}}}},
      {"spec", {{"nodeName", Json::array()}, {"serviceAccountName", "sa"}}},
      {"status",
       {{"phase", 3},
        {"podIP", 10},
        {"podIPs", "10.0.0.1"},
        {"conditions", {7, {{"type", 1}}, {{"type", "Ready"}, {"status", 1}}}}}}};
  ::testing::internal::CaptureStderr();
  trimPod(pod);
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(pod["metadata"]["ownerReferences"], Json::array({{{"kind", ""}, {"name", "rs"}, {"uid", ""}}}));
  EXPECT_EQ(pod["spec"], Json({{"serviceAccountName", "sa"}}));
  EXPECT_EQ(pod["status"], Json({{"conditions", Json::array({{{"type", "Ready"}}})}}));
  for (const char* f : {"spec.nodeName", "status.phase", "status.podIP", "status.podIPs", "status.conditions[0]",
                        "status.conditions[1].type", "status.conditions[2].status", "object=n/p", "kind=Pod"})
    EXPECT_NE(log.find(f), std::string::npos) << f << " in " << log;
  // What the endpoint reader then sees: a pod without an IP (pending), no error.
  auto ep = model::endpointFromPod(pod);
  ASSERT_TRUE(ep.isOk());
  EXPECT_FALSE(ep->has_value());

  for (Json status :
       {Json("Running"), Json({{"conditions", "Ready"}}), Json({{"conditions", {{{"status", "True"}}}}})}) {
    Json p = {{"metadata", {{"name", "p"}}}, {"status", status}};
    ::testing::internal::CaptureStderr();
    trimPod(p);
    ::testing::internal::GetCapturedStderr();
    EXPECT_FALSE(p.contains("status") && p["status"].contains("conditions")) << status.dump();
  }
}

TEST(TrimTest, DropMistypedKeepsObjectMetaAndDataTyped) {
  Json o = {{"metadata",
             {{"name", "p"},
              {"namespace", 4},
              {"uid", Json::array()},
              {"resourceVersion", 12},
              {"generation", "2"},
              {"deletionTimestamp", nullptr},
              {"labels", {{"a", "x"}, {"b", 1}, {"c", nullptr}}},
              {"annotations", Json::array({"k"})},
              {"ownerReferences", {"rs", {{"uid", 5}, {"controller", "yes"}, {"name", "o"}}}}}},
            {"data", {{"tls.crt", 1}, {"ca.crt", "Y2E="}}},
            {"stringData", "x"}};
  auto dropped = dropMistyped(o);
  EXPECT_EQ(o, Json({{"metadata",
                      {{"name", "p"}, {"labels", {{"a", "x"}}}, {"ownerReferences", Json::array({{{"name", "o"}}})}}},
                     {"data", {{"ca.crt", "Y2E="}}}}));
  EXPECT_EQ(dropped, (std::vector<std::string>{"metadata.namespace", "metadata.uid", "metadata.resourceVersion",
                                               "metadata.generation", "metadata.labels.b", "metadata.labels.c",
                                               "metadata.annotations", "metadata.ownerReferences[0]",
                                               "metadata.ownerReferences[1].uid",
                                               "metadata.ownerReferences[1].controller", "data.tls.crt", "stringData"}))
      << "a null metadata field is taken as absent without a report";
  Json no_meta = {{"metadata", "x"}, {"kind", "Pod"}};
  EXPECT_EQ(dropMistyped(no_meta), std::vector<std::string>{"metadata"});
  EXPECT_EQ(no_meta, Json({{"kind", "Pod"}}));
  Json number = 5;
  EXPECT_TRUE(dropMistyped(number).empty());
}

}  // namespace
}  // namespace paymesh::kube
