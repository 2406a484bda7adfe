#include "kube/failure_log.h"

namespace paymesh::kube {

bool FailureLog::failed(Clock::time_point now, const std::string& error) {
  failures_++;
  bool log = !logged_ || error != last_error_ || now - last_logged_ >= every_;
  if (log) {
    logged_ = true;
    last_logged_ = now;
    last_error_ = error;
  }
  return log;
}

std::optional<uint64_t> FailureLog::succeeded() {
  uint64_t ended = failures_;
  bool was_logged = logged_;
  failures_ = 0;
  logged_ = false;
  last_error_.clear();
  if (!was_logged) return std::nullopt;
  return ended;
}

}  // namespace paymesh::kube
