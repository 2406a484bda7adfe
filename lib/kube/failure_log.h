#pragma once
// When a failing list or watch is worth a log line, so that a persisting failure is seen
// without flooding: the first failure, one with a different error, then at most once per
// `every` while it persists; and, once, the recovery of a failure that was logged. Pure:
// the caller passes the time.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace paymesh::kube {

class FailureLog {
public:
  using Clock = std::chrono::steady_clock;
  explicit FailureLog(std::chrono::milliseconds every = std::chrono::minutes(1)) : every_(every) {}

  // A failure at `now` with `error`: whether to log it.
  bool failed(Clock::time_point now, const std::string& error);
  // A success: the number of failures it ends, when they were logged (log the recovery).
  std::optional<uint64_t> succeeded();
  // Failures since the last success.
  uint64_t failures() const { return failures_; }

private:
  std::chrono::milliseconds every_;
  uint64_t failures_ = 0;
  bool logged_ = false;
  Clock::time_point last_logged_{};
  std::string last_error_;
};

}  // namespace paymesh::kube
