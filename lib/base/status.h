#pragma once
// Status and Result<T>: errors as values, shaped like absl::Status / StatusOr.
// Exceptions from third-party libraries are caught at the adapter that calls them
// and turned into a Status there.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace paymesh {

enum class Code {
  kOk,
  kInvalidArgument,  // the input is wrong; retrying will not help
  kNotFound,
  kAlreadyExists,
  kConflict,  // optimistic-concurrency failure; retry after a fresh read
  kGone,      // a watch resourceVersion too old; relist
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,  // throttled (429)
  kDeadlineExceeded,
  kUnavailable,  // transport or server error; retry with backoff
  kUnimplemented,
  kInternal,
};

const char* codeName(Code code);

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool isOk() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "CODE: message", for logs.
  std::string toString() const;

  // Prefixes the message with context, keeping the code.
  Status withContext(const std::string& context) const {
    if (isOk()) return *this;
    return {code_, context + ": " + message_};
  }

private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status notFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status internalError(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status failedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).isOk() && "Result built from an OK status");
  }

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }

  const Status& status() const {
    static const Status kOk;
    return isOk() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::variant<T, Status> v_;
};

}  // namespace paymesh

#define PAYMESH_CONCAT_INNER(a, b) a##b
#define PAYMESH_CONCAT(a, b) PAYMESH_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::paymesh::Status paymesh_status_ = (expr);          \
    if (!paymesh_status_.isOk()) return paymesh_status_; \
  } while (false)

// `lhs` may be a declaration ("int x"), so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.isOk()) return tmp.status();       \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(PAYMESH_CONCAT(paymesh_result_, __LINE__), lhs, expr)
