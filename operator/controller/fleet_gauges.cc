#include "operator/controller/fleet_gauges.h"

namespace paymesh::ctrl {

void FleetGauges::record(const kube::ObjectKey& service, int64_t endpoints, std::optional<pki::TimePoint> not_after,
                         bool config_written) {
  if (!metrics_) return;
  std::lock_guard lock(mu_);
  std::string key = service.str();
  removeLocked(key);
  by_service_[key] = {endpoints, not_after, config_written};
  endpoint_sum_ += endpoints;
  if (not_after) expiries_.insert(*not_after);
  if (!config_written) ++configs_not_written_;
  publishLocked();
}

void FleetGauges::forget(const kube::ObjectKey& service) {
  if (!metrics_) return;
  std::lock_guard lock(mu_);
  removeLocked(service.str());
  publishLocked();
}

void FleetGauges::removeLocked(const std::string& key) {
  auto it = by_service_.find(key);
  if (it == by_service_.end()) return;
  endpoint_sum_ -= it->second.endpoints;
  if (it->second.not_after) expiries_.erase(expiries_.find(*it->second.not_after));
  if (!it->second.config_written) --configs_not_written_;
  by_service_.erase(it);
}

void FleetGauges::publishLocked() {
  metrics_->setEndpoints(static_cast<double>(endpoint_sum_));
  metrics_->setConfigsNotWritten(static_cast<double>(configs_not_written_));
  metrics_->setCertificateSecondsToExpiry(
      expiries_.empty() ? 0 : std::chrono::duration<double>(*expiries_.begin() - now_()).count());
}

}  // namespace paymesh::ctrl
