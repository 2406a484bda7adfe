#pragma once
// API errors as values: an HTTP status and the server's Status body become a paymesh::Status
// whose code says what to do (NotFound, AlreadyExists, Conflict, Gone, Invalid, Forbidden,
// Unauthorized, TooManyRequests, server and transport errors) and whose message carries the
// server's own message, including the causes of a 422.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace paymesh::kube {

struct ApiError {
  int http_status = 0;
  std::string reason;   // Status.reason: NotFound, AlreadyExists, Conflict, Invalid, Expired, ...
  std::string message;  // Status.message, or the raw body when it is not a Status
  struct Cause {
    std::string reason, field, message;
  };
  std::vector<Cause> causes;
  std::optional<std::chrono::seconds> retry_after;
};

// Parses a non-2xx answer. `retry_after` is the Retry-After header value ("" if absent).
ApiError parseApiError(int http_status, const std::string& body, const std::string& retry_after);

Code codeFor(const ApiError& error);

// "<what>: <message> (HTTP 422 Invalid; spec.ports[0].port: Invalid value...)". A 429
// message ends with "retry after <n>s" when the server said so.
Status toStatus(const ApiError& error, const std::string& what);

// The Retry-After a ResourceExhausted status carries, if any.
std::optional<std::chrono::seconds> retryAfterOf(const Status& status);

inline bool isNotFound(const Status& s) { return s.code() == Code::kNotFound; }
inline bool isAlreadyExists(const Status& s) { return s.code() == Code::kAlreadyExists; }
inline bool isConflict(const Status& s) { return s.code() == Code::kConflict; }
inline bool isGone(const Status& s) { return s.code() == Code::kGone; }
inline bool isInvalid(const Status& s) { return s.code() == Code::kInvalidArgument; }

}  // namespace paymesh::kube
