#include "inject/admit.h"

#include <gtest/gtest.h>

#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

class AdmitTest : public ::testing::Test {
protected:
  model::MeshConfig mesh_ = testing::defaultMesh();
  std::vector<ServiceEntry> services_ = {testing::service("settlement", {"clearing"}), testing::service("clearing")};
};

TEST_F(AdmitTest, InjectedPodAndThePatchThatMakesIt) {
  json pod = testing::replicaSetPod("settlement");
  Outcome o = admitPod(pod, "payments", services_, mesh_);
  ASSERT_EQ(o.verdict, Verdict::kInject) << o.message;
  EXPECT_EQ(o.service, "settlement");
  EXPECT_EQ(o.message, "selected by PaymentService settlement");
  EXPECT_TRUE(o.warnings.empty());
  EXPECT_EQ(pod.patch(o.patch), o.pod);
  EXPECT_EQ(o.pod["spec"]["initContainers"][0]["name"], "paymesh-proxy");
}

TEST_F(AdmitTest, ManagedFieldsStayOutOfThePatch) {
  json pod = testing::replicaSetPod("settlement");
  pod["metadata"]["managedFields"] = {{{"manager", "kubectl"}, {"operation", "Update"}, {"fieldsV1", {{"f:x", {}}}}}};
  Outcome o = admitPod(pod, "payments", services_, mesh_);
  ASSERT_EQ(o.verdict, Verdict::kInject);
  for (const auto& op : o.patch) EXPECT_EQ(op["path"].get<std::string>().find("managedFields"), std::string::npos);
  EXPECT_EQ(o.pod["metadata"]["managedFields"], pod["metadata"]["managedFields"]);
  EXPECT_EQ(pod.patch(o.patch), o.pod);
}

TEST_F(AdmitTest, SkippedAndRefusedPodsAreReturnedAsGiven) {
  json optout = testing::replicaSetPod("settlement");
  optout["metadata"]["annotations"] = {{"paymesh.io/inject", "false"}};
  Outcome skipped = admitPod(optout, "payments", services_, mesh_);
  EXPECT_EQ(skipped.verdict, Verdict::kSkip);
  EXPECT_EQ(skipped.pod, optout);
  EXPECT_EQ(skipped.patch, json::array());

  Outcome refused = admitPod(testing::replicaSetPod("orphan"), "payments", services_, mesh_);
  EXPECT_EQ(refused.verdict, Verdict::kRefuse);
  EXPECT_EQ(refused.pod, testing::replicaSetPod("orphan"));
  EXPECT_EQ(refused.patch, json::array());
}

TEST_F(AdmitTest, AnUnreadablePodIsRefusedNamingTheField) {
  json pod = testing::replicaSetPod("settlement");
  pod["metadata"]["labels"] = "app=settlement";
  Outcome o = admitPod(pod, "payments", services_, mesh_);
  EXPECT_EQ(o.verdict, Verdict::kRefuse);
  EXPECT_EQ(o.message, "cannot read the pod: metadata.labels: must be a map of strings");

  json bad_spec = testing::replicaSetPod("settlement");
  bad_spec["spec"]["volumes"] = {{{"emptyDir", json::object()}}};
  Outcome o2 = admitPod(bad_spec, "payments", services_, mesh_);
  EXPECT_EQ(o2.verdict, Verdict::kRefuse);
  EXPECT_EQ(o2.message, "cannot inject pod settlement-7d9f8-*: spec.volumes[0].name: must be a string");
}

TEST_F(AdmitTest, AKubeSystemPodIsNotEvenRead) {
  Outcome o = admitPod(json{{"spec", 42}}, "kube-system", services_, mesh_);
  EXPECT_EQ(o.verdict, Verdict::kRefuse) << "an unreadable pod is refused everywhere";
  Outcome ok = admitPod(testing::replicaSetPod("settlement"), "kube-system", services_, mesh_);
  EXPECT_EQ(ok.verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace paymesh::inject
