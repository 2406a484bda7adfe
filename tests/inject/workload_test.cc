#include "inject/workload.h"

#include <gtest/gtest.h>

#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

json deployment(const std::string& app, const std::string& ns = "payments") {
  json d = json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {
    "metadata": {"labels": {}}, "spec": {"containers": [{"name": "app", "image": "x:1"}]}}}})");
  d["metadata"] = {{"name", app}, {"namespace", ns}};
  d["spec"]["template"]["metadata"]["labels"]["app"] = app;
  d["spec"]["template"]["spec"]["serviceAccountName"] = app;
  return d;
}

TEST(WorkloadTest, PodPointers) {
  EXPECT_EQ(podPointer(json{{"kind", "Pod"}})->to_string(), "");
  EXPECT_EQ(podPointer(deployment("a"))->to_string(), "/spec/template");
  json cron = {{"kind", "CronJob"}, {"spec", {{"jobTemplate", {{"spec", {{"template", json::object()}}}}}}}};
  EXPECT_EQ(podPointer(cron)->to_string(), "/spec/jobTemplate/spec/template");
  EXPECT_FALSE(podPointer(json{{"kind", "ConfigMap"}}));
  EXPECT_FALSE(podPointer(json{{"kind", "Deployment"}})) << "a Deployment without a template holds no pod";
  EXPECT_FALSE(podPointer(json::array()));
}

TEST(WorkloadTest, InjectsTheTemplateOfTheNamespacesService) {
  ServicesByNamespace services = {{"payments", {testing::service("settlement")}}};
  WorkloadOutcome w = injectWorkload(deployment("settlement"), services, testing::defaultMesh());
  ASSERT_EQ(w.pods.size(), 1u);
  EXPECT_EQ(w.pods[0].second.verdict, Verdict::kInject);
  EXPECT_EQ(w.object["spec"]["template"]["spec"]["initContainers"][0]["name"], "paymesh-proxy");
  EXPECT_EQ(deployment("settlement").patch(w.patch), w.object);
  // Another namespace has no such service.
  WorkloadOutcome other = injectWorkload(deployment("settlement", "other"), services, testing::defaultMesh());
  EXPECT_EQ(other.pods[0].second.verdict, Verdict::kRefuse);
  EXPECT_EQ(other.object, deployment("settlement", "other"));
}

TEST(WorkloadTest, ListItemsEachInjectedWithTheirPosition) {
  ServicesByNamespace services = {{"payments", {testing::service("settlement"), testing::service("ledger")}}};
  json list = {{"apiVersion", "v1"},
               {"kind", "List"},
               {"items", {deployment("ledger"), {{"kind", "ConfigMap"}}, deployment("settlement")}}};
  WorkloadOutcome w = injectWorkload(list, services, testing::defaultMesh());
  ASSERT_EQ(w.pods.size(), 2u);
  EXPECT_EQ(w.pods[0].first, "items[0]");
  EXPECT_EQ(w.pods[1].first, "items[2]");
  EXPECT_EQ(w.object["items"][1], list["items"][1]);
  EXPECT_EQ(list.patch(w.patch), w.object);
}

TEST(WorkloadTest, OtherDocumentsPassThrough) {
  for (const json& doc : {json{{"kind", "Service"}, {"spec", {{"ports", json::array()}}}}, json("text"), json()}) {
    WorkloadOutcome w = injectWorkload(doc, {}, testing::defaultMesh());
    EXPECT_EQ(w.object, doc);
    EXPECT_TRUE(w.pods.empty());
    EXPECT_EQ(w.patch, json::array());
  }
}

}  // namespace
}  // namespace paymesh::inject
