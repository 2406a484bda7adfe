#include "webhook/admission/review.h"

#include <gtest/gtest.h>

#include "base/base64.h"

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

}  // namespace
}  // namespace paymesh::webhook
