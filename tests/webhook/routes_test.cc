// Every bad input, and its exact answer, over real HTTPS.

#include "webhook/routes.h"

#include "base/base64.h"
#include "webhook_fixture.h"

namespace paymesh::webhook {
namespace {

using nlohmann::json;
using obs::WebhookResult;

class RoutesTest : public testing::WebhookFixture {
protected:
  json pod(const std::string& app) {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"generateName", app + "-7d9f8-"}, {"namespace", "payments"}, {"labels", {{"app", app}}}}},
            {"spec", {{"serviceAccountName", app}, {"containers", {{{"name", "app"}, {"image", "x:1"}}}}}}};
  }
};

TEST_F(RoutesTest, InjectsAndAnswersWithTheSameUid) {
  json resp = answer(testing::review(pod("settlement"), "payments", "uid-1"));
  EXPECT_EQ(resp["uid"], "uid-1");
  EXPECT_EQ(resp["allowed"], true);
  EXPECT_EQ(resp["patchType"], "JSONPatch");
  json patch = json::parse(*base64Decode(resp["patch"].get<std::string>()));
  json patched = pod("settlement").patch(patch);
  EXPECT_EQ(patched["spec"]["initContainers"][0]["name"], "paymesh-proxy");
  EXPECT_FALSE(resp.contains("warnings"));
  EXPECT_EQ(metrics_.requestCount(WebhookResult::kInjected), 1);
}

TEST_F(RoutesTest, BodyOverSevenMebibytesIs413) {
  auto r = post(std::string(7 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.body, "request body is larger than 7340032 bytes\n");
}

TEST_F(RoutesTest, NonJsonIs400) {
  auto r = post("{\"kind\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.body, "invalid AdmissionReview: the body is not JSON\n");
  EXPECT_EQ(post("[1,2]").body, "invalid AdmissionReview: the body is not a JSON object\n");
  EXPECT_EQ(metrics_.requestCount(WebhookResult::kInvalid), 2);
}

TEST_F(RoutesTest, WrongKindIs400) {
  auto r = post(pod("settlement").dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "invalid AdmissionReview: kind is \"Pod\", expected AdmissionReview\n");
  json no_request = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}};
  EXPECT_EQ(post(no_request.dump()).body, "invalid AdmissionReview: no request object\n");
  json no_uid = testing::review(pod("settlement"));
  no_uid["request"].erase("uid");
  EXPECT_EQ(post(no_uid.dump()).body, "invalid AdmissionReview: request.uid is missing\n");
}

TEST_F(RoutesTest, WrongContentTypeIs415AndWrongMethodIs405) {
  auto r = post(testing::review(pod("settlement")).dump(), "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.body, "Content-Type \"text/plain\" is not application/json\n");
  EXPECT_EQ(post(testing::review(pod("settlement")).dump(), "application/json; charset=utf-8").status, 200);
  auto get = client_->request("GET", "/inject", "", "");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.body, "method GET not allowed: POST an AdmissionReview\n");
}

TEST_F(RoutesTest, UnknownVersionGetsAReviewErrorResponse) {
  json rev = testing::review(pod("settlement"), "payments", "uid-v1beta1");
  rev["apiVersion"] = "admission.k8s.io/v1beta1";
  auto r = post(rev.dump());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "response": {"uid": "uid-v1beta1", "allowed": false, "status": {"code": 400, "reason": "BadRequest",
    "message": "unsupported AdmissionReview version \"admission.k8s.io/v1beta1\": this webhook speaks admission.k8s.io/v1"}}})"));
}

TEST_F(RoutesTest, AnotherResourceGetsAReviewErrorResponse) {
  json rev = testing::review(pod("settlement"), "payments", "uid-deploy");
  rev["request"]["resource"] = {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}};
  EXPECT_EQ(answer(rev), json::parse(R"({"uid": "uid-deploy", "allowed": false, "status": {"code": 400,
    "reason": "BadRequest", "message": "this webhook admits pods (v1 pods), not apps/v1 deployments"}})"));
  json sub = testing::review(pod("settlement"), "payments", "uid-sub");
  sub["request"]["subResource"] = "status";
  EXPECT_EQ(answer(sub)["status"]["message"], "this webhook admits pods (v1 pods), not v1 pods/status");
}

TEST_F(RoutesTest, AnUnparsablePodIsRefusedNotHalfMutated) {
  json bad = pod("settlement");
  bad["spec"]["containers"] = "app";
  EXPECT_EQ(answer(testing::review(bad, "payments", "uid-bad")), json::parse(R"({"uid": "uid-bad", "allowed": false,
    "status": {"code": 403, "reason": "Forbidden",
    "message": "cannot inject pod settlement-7d9f8-*: spec.containers: must be a list"}})"));
  json labels = pod("settlement");
  labels["metadata"]["labels"] = {{"app", 5}};
  EXPECT_EQ(answer(testing::review(labels))["status"]["message"],
            "cannot read the pod: metadata.labels.app: must be a string");
  EXPECT_EQ(answer(testing::review(json("a string")))["status"]["message"],
            "cannot read the pod: the pod must be a JSON object");
  EXPECT_EQ(metrics_.requestCount(WebhookResult::kRefused), 3);
}

TEST_F(RoutesTest, RefusalsAndWarnings) {
  json refused = answer(testing::review(pod("reporting"), "payments", "uid-r"));
  EXPECT_EQ(refused["allowed"], false);
  EXPECT_EQ(refused["status"]["code"], 403);
  EXPECT_EQ(refused["status"]["message"],
            "no PaymentService selects pod reporting-7d9f8-* in namespace \"payments\" (labels: app=reporting): a pod "
            "that asked for the mesh does not run without it; create a PaymentService whose spec.selector.matchLabels "
            "the pod carries, or opt the pod out with the annotation paymesh.io/inject: \"false\"");
  json host = pod("settlement");
  host["spec"]["hostNetwork"] = true;
  json skipped = answer(testing::review(host, "payments", "uid-h"));
  EXPECT_EQ(
      skipped,
      json::parse(
          R"({"uid": "uid-h", "allowed": true, "warnings": ["paymesh: not injected: pod settlement-7d9f8-* uses the host's network (spec.hostNetwork), which a sidecar would share"]})"));
  json sa = pod("settlement");
  sa["spec"]["serviceAccountName"] = "default";
  json warned = answer(testing::review(sa));
  EXPECT_EQ(warned["allowed"], true);
  EXPECT_TRUE(warned.contains("patch"));
  ASSERT_EQ(warned["warnings"].size(), 1u);
}

TEST_F(RoutesTest, OtherOperationsAreAllowedUnchanged) {
  json rev = testing::review(pod("reporting"), "payments", "uid-u");
  rev["request"]["operation"] = "UPDATE";
  EXPECT_EQ(answer(rev), json::parse(R"({"uid": "uid-u", "allowed": true})"));
}

TEST_F(RoutesTest, HealthReadinessAndUnknownPaths) {
  EXPECT_EQ(client_->request("GET", "/healthz", "", "").body, "ok\n");
  EXPECT_EQ(client_->request("GET", "/readyz", "", "").status, 200);
  ready_ = false;
  auto r = client_->request("GET", "/readyz", "", "");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "PaymentService cache not synced yet\n");
  auto missing = client_->request("GET", "/mutate", "", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "no such endpoint: /mutate (POST /inject, GET /healthz, GET /readyz)\n");
}

TEST_F(RoutesTest, NoCrashOnAnyInput) {
  // Reviews with every field of the wrong type: each gets an answer, and the server goes on.
  for (const char* body : {R"({"apiVersion": 1, "kind": "AdmissionReview", "request": {"uid": "u"}})",
                           R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 5}})",
                           R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u",
                               "resource": "pods"}})",
                           R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u",
                               "resource": {"group": "", "version": "v1", "resource": "pods"}, "operation": "CREATE",
                               "namespace": 7, "object": {"metadata": [], "spec": null}}})",
                           R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u",
                               "resource": {"group": "", "version": "v1", "resource": "pods"}, "operation": "CREATE",
                               "object": {"spec": {"containers": [{"name": "a", "env": [null]}]},
                                          "metadata": {"labels": {"app": "settlement"}}}, "namespace": "payments"}})",
                           "\"\"", "null", "", "\xff\xfe"}) {
    auto r = post(body);
    EXPECT_TRUE(r.status == 200 || r.status == 400) << body << " -> " << r.status << " " << r.error;
  }
  EXPECT_EQ(client_->request("GET", "/healthz", "", "").status, 200);
}

}  // namespace
}  // namespace paymesh::webhook
