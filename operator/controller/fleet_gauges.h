#pragma once
// The gauges over every reconciled PaymentService: ready endpoints summed, the seconds
// until the soonest workload certificate expires, and how many services' sidecar
// configuration is not written (over a size limit, or refused by the API server). Each
// pass reports its service's figures; a deleted service is forgotten. Thread-safe.

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

  void record(const kube::ObjectKey& service, int64_t endpoints, std::optional<pki::TimePoint> not_after,
              bool config_written = true);
  void forget(const kube::ObjectKey& service);

private:
  void removeLocked(const std::string& key);
  void publishLocked();

  obs::OperatorMetrics* metrics_;
  std::function<pki::TimePoint()> now_;
  std::mutex mu_;
  struct Figures {
    int64_t endpoints = 0;
    std::optional<pki::TimePoint> not_after;
    bool config_written = true;
  };
  std::unordered_map<std::string, Figures> by_service_;
  std::multiset<pki::TimePoint> expiries_;
  int64_t endpoint_sum_ = 0;
  int64_t configs_not_written_ = 0;
};

}  // namespace paymesh::ctrl
