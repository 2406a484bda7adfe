#include "emulator/faults.h"

#include "emulator/status_errors.h"

namespace paymesh::emulator {

Faults faultsFromJson(const nlohmann::json& j) {
  Faults f;
  f.seed = j.value("seed", uint64_t{1});
  f.drop_watch_every = j.value("dropWatchEvery", 0);
  f.conflict_rate = j.value("conflictRate", 0.0);
  f.throttle_rate = j.value("throttleRate", 0.0);
  f.error_rate = j.value("errorRate", 0.0);
  f.latency_ms = j.value("latencyMs", 0);
  f.read_error_rate = j.value("readErrorRate", 0.0);
  f.refuse_writes_to = j.value("refuseWritesTo", "");
  return f;
}

void FaultInjector::set(const Faults& faults) {
  faults_ = faults;
  rng_.seed(faults.seed);
}

std::optional<HttpResponse> FaultInjector::draw(bool write, const std::string& resource) {
  std::uniform_real_distribution<double> u(0, 1);
  if (write && !faults_.refuse_writes_to.empty() && resource == faults_.refuse_writes_to)
    return statusError(422, "injected fault: writes to " + resource + " are refused");
  if (!write) {
    if (faults_.read_error_rate > 0 && u(rng_) < faults_.read_error_rate)
      return statusError(500, "injected fault: internal error on read");
    return std::nullopt;
  }
  if (faults_.error_rate > 0 && u(rng_) < faults_.error_rate) return statusError(500, "injected fault: internal error");
  if (faults_.throttle_rate > 0 && u(rng_) < faults_.throttle_rate) {
    auto r = statusError(429, "injected fault: too many requests, please try again later");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (faults_.conflict_rate > 0 && u(rng_) < faults_.conflict_rate)
    return statusError(409,
                       "injected fault: Operation cannot be fulfilled: the object has been modified; please "
                       "apply your changes to the latest version and try again");
  return std::nullopt;
}

}  // namespace paymesh::emulator
