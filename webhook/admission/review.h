#pragma once
// The AdmissionReview (admission.k8s.io/v1) as it goes over the wire: parsing a request
// into what the handler needs, or into the error that answers it; encoding a response.
//
// Bad input and its answer:
//   body not JSON, or not a JSON object                HTTP 400, text, the parse error
//   JSON but not an AdmissionReview with a request     HTTP 400, text, what is missing
//   an AdmissionReview of another version              HTTP 200, review error response (code 400)
//   a review of another resource or a subresource      HTTP 200, review error response (code 400)

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::webhook {

inline constexpr const char* kAdmissionApiVersion = "admission.k8s.io/v1";

struct AdmissionRequest {
  std::string uid;
  std::string ns;
  std::string operation;  // CREATE, UPDATE, ...
  nlohmann::json object;  // the pod (see ReviewDetail)
  bool dry_run = false;
};

// What answers a review that cannot be handled.
struct ReviewError {
  int http_status = 400;  // 400: plain-text body; 200: an AdmissionReview error response
  std::string message;
  std::string uid;  // for the review error response
};

// How much of the pod a parsed request holds. kInjectionFields (what the webhook uses):
// only what the injection core reads (inject::podShapeInjectionReads), the rest of the
// body checked but never built, unless the pod carries a previous injection, which is
// then parsed whole. kWhole: everything.
enum class ReviewDetail { kInjectionFields, kWhole };

std::variant<AdmissionRequest, ReviewError> parseReview(const std::string& body,
                                                        ReviewDetail detail = ReviewDetail::kInjectionFields);

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  int code = 0;          // status.code when refused (403) or erroneous (400)
  std::string message;   // status.message when refused
  nlohmann::json patch;  // a JSON Patch array, or null for none
  std::vector<std::string> warnings;
};

// The AdmissionReview answering a request, as JSON text (the patch base64-encoded,
// patchType JSONPatch).
std::string encodeReview(const AdmissionResponse& response);

// The review error response for a ReviewError with http_status 200.
AdmissionResponse errorResponse(const ReviewError& error);

}  // namespace paymesh::webhook
