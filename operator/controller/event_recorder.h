#pragma once
// Kubernetes Events about PaymentServices and the mesh CA Secret, best effort: a lost
// Event never fails a pass (nor is it retried).

#include <functional>
#include <string>

#include "kube/client.h"
#include "model/payment_service.h"
#include "obs/metrics.h"
#include "pki/certificate.h"

namespace paymesh::ctrl {

class EventRecorder {
public:
  EventRecorder(kube::Client& client, std::string component, std::function<pki::TimePoint()> now,
                obs::OperatorMetrics* metrics)
      : client_(client), component_(std::move(component)), now_(std::move(now)), metrics_(metrics) {}

  // type "Normal" or "Warning".
  void onService(const model::PaymentService& service, const std::string& type, const std::string& reason,
                 const std::string& message);
  // On a Secret as written (its uid names this incarnation of it).
  void onSecret(const nlohmann::json& secret, const std::string& type, const std::string& reason,
                const std::string& message);

private:
  void record(const nlohmann::json& involved, const std::string& ns, const std::string& type, const std::string& reason,
              const std::string& message);

  kube::Client& client_;
  std::string component_;
  std::function<pki::TimePoint()> now_;
  obs::OperatorMetrics* metrics_;
};

}  // namespace paymesh::ctrl
