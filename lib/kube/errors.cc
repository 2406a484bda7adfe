#include "kube/errors.h"

#include <nlohmann/json.hpp>

namespace paymesh::kube {

ApiError parseApiError(int http_status, const std::string& body, const std::string& retry_after) {
  ApiError e;
  e.http_status = http_status;
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object() && j.value("kind", "") == "Status") {
      e.reason = j.value("reason", "");
      e.message = j.value("message", "");
      if (j.contains("details") && j["details"].is_object() && j["details"].contains("causes")) {
        for (const auto& c : j["details"]["causes"]) {
          e.causes.push_back({c.value("reason", ""), c.value("field", ""), c.value("message", "")});
        }
      }
    } else {
      e.message = body;
    }
  } catch (const std::exception&) {
    e.message = body;
  }
  if (e.message.empty()) e.message = "HTTP " + std::to_string(http_status);
  if (!retry_after.empty() && retry_after.find_first_not_of("0123456789") == std::string::npos &&
      retry_after.size() < 7) {
    e.retry_after = std::chrono::seconds(std::stol(retry_after));
  }
  return e;
}

Code codeFor(const ApiError& e) {
  switch (e.http_status) {
    case 400: return Code::kInvalidArgument;
    case 401: return Code::kUnauthenticated;
    case 403: return Code::kPermissionDenied;
    case 404: return Code::kNotFound;
    case 405:
    case 415: return Code::kUnimplemented;
    case 409: return e.reason == "AlreadyExists" ? Code::kAlreadyExists : Code::kConflict;
    case 410: return Code::kGone;
    case 413:  // RequestEntityTooLarge: the same body is refused again
    case 422: return Code::kInvalidArgument;
    case 429: return Code::kResourceExhausted;
    case 504: return Code::kDeadlineExceeded;
    default: break;
  }
  if (e.http_status >= 500) return Code::kUnavailable;
  return Code::kInternal;
}

Status toStatus(const ApiError& e, const std::string& what) {
  std::string msg = what + ": " + e.message + " (HTTP " + std::to_string(e.http_status);
  if (!e.reason.empty()) msg += " " + e.reason;
  msg += ")";
  if (!e.causes.empty()) {
    msg += "; causes:";
    for (const auto& c : e.causes) msg += " [" + c.field + ": " + c.message + "]";
  }
  if (e.retry_after) msg += "; retry after " + std::to_string(e.retry_after->count()) + "s";
  return {codeFor(e), msg};
}

std::optional<std::chrono::seconds> retryAfterOf(const Status& status) {
  if (status.code() != Code::kResourceExhausted) return std::nullopt;
  const std::string& m = status.message();
  auto pos = m.rfind("retry after ");
  if (pos == std::string::npos) return std::nullopt;
  try {
    return std::chrono::seconds(std::stol(m.substr(pos + 12)));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace paymesh::kube
