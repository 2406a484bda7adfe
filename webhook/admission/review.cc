#include "webhook/admission/review.h"

#include <optional>

#include "base/base64.h"
#include "base/json_shape.h"
#include "inject/pod.h"
#include "inject/strip.h"

namespace paymesh::webhook {
namespace {

using nlohmann::json;

std::string str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

// "group/version resource" of a GroupVersionResource object, for messages.
std::string gvr(const json& r) {
  if (!r.is_object()) return "(none)";
  std::string group = str(r, "group");
  return (group.empty() ? "" : group + "/") + str(r, "version") + " " + str(r, "resource");
}

ReviewError badRequest(std::string message) { return {400, "invalid AdmissionReview: " + std::move(message), ""}; }

// What parseReview reads of a review, with the pod as far as injection reads it.
const JsonShape& reviewShape() {
  static const JsonShape kShape = [] {
    auto whole = JsonShape::whole();
    return JsonShape::object({{"apiVersion", whole},
                              {"kind", whole},
                              {"request", JsonShape::object({{"uid", whole},
                                                             {"resource", whole},
                                                             {"subResource", whole},
                                                             {"namespace", whole},
                                                             {"operation", whole},
                                                             {"dryRun", whole},
                                                             {"object", inject::podShapeInjectionReads()}})}});
  }();
  return kShape;
}

std::optional<json> parseBody(const std::string& body, ReviewDetail detail) {
  if (detail == ReviewDetail::kWhole) {
    json review = json::parse(body, nullptr, false);
    if (review.is_discarded()) return std::nullopt;
    return review;
  }
  return parseShaped(body, reviewShape());
}

}  // namespace

std::variant<AdmissionRequest, ReviewError> parseReview(const std::string& body, ReviewDetail detail) {
  auto parsed = parseBody(body, detail);
  if (!parsed) return badRequest("the body is not JSON");
  json& review = *parsed;
  if (!review.is_object()) return badRequest("the body is not a JSON object");
  if (str(review, "kind") != "AdmissionReview")
    return badRequest("kind is \"" + str(review, "kind").substr(0, 64) + "\", expected AdmissionReview");
  auto req = review.find("request");
  if (req == review.end() || !req->is_object()) return badRequest("no request object");
  std::string uid = str(*req, "uid");
  if (uid.empty()) return badRequest("request.uid is missing");
  std::string version = str(review, "apiVersion");
  if (version != kAdmissionApiVersion)
    return ReviewError{200,
                       "unsupported AdmissionReview version \"" + version.substr(0, 64) + "\": this webhook speaks " +
                           kAdmissionApiVersion,
                       uid};
  const json resource = req->value("resource", json());
  if (!resource.is_object() || str(resource, "group") != "" || str(resource, "version") != "v1" ||
      str(resource, "resource") != "pods" || !str(*req, "subResource").empty()) {
    std::string sub = str(*req, "subResource");
    return ReviewError{200,
                       "this webhook admits pods (v1 pods), not " + gvr(resource).substr(0, 128) +
                           (sub.empty() ? "" : "/" + sub.substr(0, 64)),
                       uid};
  }
  AdmissionRequest out;
  out.uid = uid;
  out.ns = str(*req, "namespace");
  out.operation = str(*req, "operation");
  if (auto obj = req->find("object"); obj != req->end()) out.object = std::move(*obj);  // no copy of the pod
  if (out.ns.empty() && out.object.is_object() && out.object.contains("metadata") && out.object["metadata"].is_object())
    out.ns = str(out.object["metadata"], "namespace");
  if (out.ns.empty()) out.ns = "default";
  out.dry_run = req->value("dryRun", false) == true;
  // A pod injected before is stripped and diffed: that needs all of it.
  if (detail == ReviewDetail::kInjectionFields && inject::carriesInjection(out.object))
    return parseReview(body, ReviewDetail::kWhole);
  return out;
}

std::string encodeReview(const AdmissionResponse& r) {
  json resp = {{"uid", r.uid}, {"allowed", r.allowed}};
  if (!r.allowed || r.code != 0) {
    resp["status"] = {{"code", r.code}, {"message", r.message}};
    if (r.code == 403) resp["status"]["reason"] = "Forbidden";
    if (r.code == 400) resp["status"]["reason"] = "BadRequest";
  }
  if (r.patch.is_array() && !r.patch.empty()) {
    resp["patchType"] = "JSONPatch";
    resp["patch"] = base64Encode(r.patch.dump());
  }
  if (!r.warnings.empty()) resp["warnings"] = r.warnings;
  return json{{"apiVersion", kAdmissionApiVersion}, {"kind", "AdmissionReview"}, {"response", resp}}.dump();
}

AdmissionResponse errorResponse(const ReviewError& error) {
  AdmissionResponse r;
  r.uid = error.uid;
  r.allowed = false;
  r.code = 400;
  r.message = error.message;
  return r;
}

}  // namespace paymesh::webhook
