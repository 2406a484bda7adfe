#include "webhook/admission/review.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/base64.h"
#include "inject/golden_cases.h"
#include "inject/test_inputs.h"
#include "webhook/admission/handler.h"
#include "webhook/service_cache.h"
#include "webhook_fixture.h"

namespace paymesh::webhook {
namespace {

using nlohmann::json;

TEST(ReviewTest, ParsesWhatTheHandlerNeeds) {
  json rev = json::parse(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "u1", "resource": {"group": "", "version": "v1", "resource": "pods"}, "namespace": "payments",
    "operation": "CREATE", "dryRun": true, "object": {"metadata": {"name": "p"}}}})");
  auto parsed = parseReview(rev.dump());
  auto* req = std::get_if<AdmissionRequest>(&parsed);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->uid, "u1");
  EXPECT_EQ(req->ns, "payments");
  EXPECT_EQ(req->operation, "CREATE");
  EXPECT_TRUE(req->dry_run);
  EXPECT_EQ(req->object["metadata"]["name"], "p");
}

TEST(ReviewTest, NamespaceFallsBackToTheObjectsThenDefault) {
  json rev = json::parse(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "u1", "resource": {"group": "", "version": "v1", "resource": "pods"}, "operation": "CREATE",
    "object": {"metadata": {"namespace": "payments"}}}})");
  EXPECT_EQ(std::get<AdmissionRequest>(parseReview(rev.dump())).ns, "payments");
  rev["request"]["object"] = json::object();
  EXPECT_EQ(std::get<AdmissionRequest>(parseReview(rev.dump())).ns, "default");
}

TEST(ReviewTest, EncodesPatchAndWarnings) {
  AdmissionResponse r;
  r.uid = "u";
  r.patch = json::parse(R"([{"op": "add", "path": "/metadata/labels/a~1b", "value": "1"}])");
  r.warnings = {"careful"};
  json out = json::parse(encodeReview(r));
  EXPECT_EQ(out["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(out["kind"], "AdmissionReview");
  EXPECT_EQ(out["response"]["patchType"], "JSONPatch");
  EXPECT_EQ(json::parse(*base64Decode(out["response"]["patch"].get<std::string>())), r.patch);
  EXPECT_EQ(out["response"]["warnings"], json::array({"careful"}));
  EXPECT_FALSE(out["response"].contains("status"));
}

TEST(ReviewTest, AnEmptyPatchIsNoPatch) {
  AdmissionResponse r;
  r.uid = "u";
  r.patch = json::array();
  EXPECT_EQ(json::parse(encodeReview(r))["response"], json::parse(R"({"uid": "u", "allowed": true})"));
}

TEST(ReviewTest, HugeValuesAreCutInMessages) {
  json rev = {{"apiVersion", std::string(100000, 'v')}, {"kind", "AdmissionReview"}, {"request", {{"uid", "u"}}}};
  auto parsed = parseReview(rev.dump());
  auto* err = std::get_if<ReviewError>(&parsed);
  ASSERT_NE(err, nullptr);
  EXPECT_LT(err->message.size(), 200u);
}

// The webhook parses only what injection reads; every answer must be the one the whole
// review gives: the golden pods, and pods that are wrong or odd in fields the shape keeps,
// drops, or expects another type for.
TEST(ReviewTest, TheInjectionFieldsGiveTheAnswersOfTheWholeReview) {
  ServiceCache cache;
  auto manifests = model::readManifests(PAYMESH_SOURCE_DIR "/examples/payments");
  ASSERT_TRUE(manifests.isOk()) << manifests.status().message();
  for (const auto& m : *manifests)
    if (m.kind() == "PaymentService") cache.upsert(m.doc.value);
  std::vector<std::pair<std::string, json>> pods;
  for (const auto& c : inject::testing::goldenCases()) pods.emplace_back(c.name, c.pod);
  json base = pods.front().second;
  for (const auto& c : inject::testing::goldenCases())
    if (c.name == "replicaset-pod") base = c.pod;
  auto variant = [&](const std::string& name, const std::function<void(json&)>& change) {
    json p = base;
    change(p);
    pods.emplace_back(name, p);
  };
  variant("env-not-a-list", [](json& p) { p["spec"]["containers"][0]["env"] = "X=1"; });
  variant("env-item-without-name", [](json& p) { p["spec"]["containers"][0]["env"] = {{{"value", "1"}}}; });
  variant("env-item-a-string", [](json& p) { p["spec"]["containers"][0]["env"] = {"X"}; });
  variant("volume-with-env", [](json& p) { p["spec"]["volumes"] = {{{"name", "v"}, {"env", "x"}}}; });
  variant("container-a-number", [](json& p) { p["spec"]["containers"] = {7}; });
  variant("containers-an-object", [](json& p) { p["spec"]["containers"] = {{"name", "app"}}; });
  variant("labels-a-list", [](json& p) { p["metadata"]["labels"] = {"app"}; });
  variant("metadata-null", [](json& p) { p["metadata"] = nullptr; });
  variant("spec-a-string", [](json& p) { p["spec"] = "x"; });
  variant("security-context-a-list", [](json& p) { p["spec"]["securityContext"] = {1}; });
  variant("fs-group-null", [](json& p) { p["spec"]["securityContext"] = {{"fsGroup", nullptr}}; });
  variant("host-network-a-string", [](json& p) { p["spec"]["hostNetwork"] = "yes"; });
  variant("managed-fields-and-status", [](json& p) {
    p["metadata"]["managedFields"] = {{{"manager", "kubectl"}, {"fieldsV1", {{"f:spec", json::object()}}}}};
    p["status"] = {{"phase", "Pending"}};
  });
  variant("old-sidecar-only", [](json& p) { p["spec"]["containers"].push_back({{"name", "paymesh-proxy"}}); });
  for (const auto& [name, pod] : pods) {
    for (const char* mode : {"{}", R"({"sidecar": {"mode": "Classic"}})"}) {
      auto mesh = std::make_shared<const model::MeshConfig>(inject::testing::mesh(mode));
      std::string ns = pod.is_object() && pod.contains("metadata") && pod["metadata"].is_object()
                           ? pod["metadata"].value("namespace", "payments")
                           : "payments";
      std::string body = testing::review(pod, ns).dump();
      auto services = cache.inNamespace(ns);
      auto answer = [&](ReviewDetail detail) {
        auto parsed = parseReview(body, detail);
        if (auto* e = std::get_if<ReviewError>(&parsed)) return e->message;
        return encodeReview(handleAdmission(std::get<AdmissionRequest>(parsed), {services.get(), mesh.get()}).response);
      };
      EXPECT_EQ(answer(ReviewDetail::kInjectionFields), answer(ReviewDetail::kWhole)) << name << " " << mode;
    }
  }
}

}  // namespace
}  // namespace paymesh::webhook
