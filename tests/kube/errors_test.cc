#include "kube/errors.h"

#include <gtest/gtest.h>

namespace paymesh::kube {
namespace {

std::string status(int code, const std::string& reason, const std::string& message, const std::string& causes = "") {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" + std::to_string(code) + R"(,"reason":")" +
         reason + R"(","message":")" + message + R"(")" + (causes.empty() ? "" : R"(,"details":{"causes":)" + causes + "}") + "}";
}

TEST(Errors, CodesByStatusAndReason) {
  struct Case {
    int http;
    std::string reason;
    Code code;
  } cases[] = {
      {404, "NotFound", Code::kNotFound},          {409, "AlreadyExists", Code::kAlreadyExists},
      {409, "Conflict", Code::kConflict},          {410, "Expired", Code::kGone},
      {422, "Invalid", Code::kInvalidArgument},    {400, "BadRequest", Code::kInvalidArgument},
      {401, "Unauthorized", Code::kUnauthenticated}, {403, "Forbidden", Code::kPermissionDenied},
      {429, "TooManyRequests", Code::kResourceExhausted}, {500, "InternalError", Code::kUnavailable},
      {503, "ServiceUnavailable", Code::kUnavailable}, {504, "Timeout", Code::kDeadlineExceeded},
      {415, "UnsupportedMediaType", Code::kUnimplemented},
  };
  for (const auto& c : cases) {
    Status s = toStatus(parseApiError(c.http, status(c.http, c.reason, "boom"), ""), "GET /x");
    EXPECT_EQ(s.code(), c.code) << c.http << " " << c.reason;
    EXPECT_NE(s.message().find("boom"), std::string::npos);
    EXPECT_NE(s.message().find("HTTP " + std::to_string(c.http)), std::string::npos);
  }
}

TEST(Errors, CausesRetryAfterAndRawBodies) {
  ApiError invalid = parseApiError(
      422, status(422, "Invalid", "x is invalid", R"([{"reason":"FieldValueRequired","field":"spec.ports","message":"Required value"}])"), "");
  ASSERT_EQ(invalid.causes.size(), 1u);
  EXPECT_EQ(invalid.causes[0].field, "spec.ports");
  EXPECT_NE(toStatus(invalid, "POST").message().find("[spec.ports: Required value]"), std::string::npos);

  Status throttled = toStatus(parseApiError(429, status(429, "TooManyRequests", "slow down"), "7"), "POST");
  ASSERT_TRUE(retryAfterOf(throttled).has_value());
  EXPECT_EQ(retryAfterOf(throttled)->count(), 7);
  EXPECT_FALSE(retryAfterOf(Status(Code::kNotFound, "retry after 3s")).has_value());
  EXPECT_FALSE(parseApiError(429, "", "soon").retry_after.has_value());

  ApiError raw = parseApiError(502, "<html>bad gateway</html>", "");
  EXPECT_EQ(raw.message, "<html>bad gateway</html>");
  EXPECT_EQ(codeFor(raw), Code::kUnavailable);
  EXPECT_EQ(parseApiError(500, "", "").message, "HTTP 500");
}

}  // namespace
}  // namespace paymesh::kube
