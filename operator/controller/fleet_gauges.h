#pragma once
// The gauges over every reconciled PaymentService: ready endpoints summed, and the
// seconds until the soonest workload certificate expires. Each pass reports its service's
// figures; a deleted service is forgotten. Thread-safe.

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "kube/object_key.h"
#include "obs/metrics.h"
#include "pki/certificate.h"

namespace paymesh::ctrl {

class FleetGauges {
public:
  FleetGauges(obs::OperatorMetrics* metrics, std::function<pki::TimePoint()> now)
      : metrics_(metrics), now_(std::move(now)) {}

  void record(const kube::ObjectKey& service, int64_t endpoints, std::optional<pki::TimePoint> not_after);
  void forget(const kube::ObjectKey& service);

private:
  void removeLocked(const std::string& key);
  void publishLocked();

  obs::OperatorMetrics* metrics_;
  std::function<pki::TimePoint()> now_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<int64_t, std::optional<pki::TimePoint>>> by_service_;
  std::multiset<pki::TimePoint> expiries_;
  int64_t endpoint_sum_ = 0;
};

}  // namespace paymesh::ctrl
