#pragma once
// The operator's metrics, declared in one place (prometheus-cpp). Label values come from
// fixed sets only, never from object names; every series exists from the start at 0.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace paymesh::obs {

enum class ReconcileResult { kSuccess, kError, kRequeue };
enum class WriteKind { kConfigMap, kSecret, kStatus, kEvent, kLease };
// The operator's controllers: the `controller` label of the reconcile series.
enum class ControllerName { kPaymentService, kMeshCa, kWebhookCertificate };
const char* controllerLabel(ControllerName controller);  // "paymentservice", "mesh-ca", "webhook-certificate"

class OperatorMetrics {
public:
  OperatorMetrics();
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void reconciled(ControllerName controller, ReconcileResult result, double seconds);
  void retried() { retries_->Increment(); }
  void wrote(WriteKind kind);
  void setQueueDepth(double depth) { queue_depth_->Set(depth); }
  void setCertificateSecondsToExpiry(double seconds) { cert_expiry_->Set(seconds); }
  void setEndpoints(double n) { endpoints_->Set(n); }
  void setLeader(bool leader) { leader_->Set(leader ? 1 : 0); }
  void setServices(double n) { services_->Set(n); }
  // PaymentServices whose sidecar ConfigMap is not written: over Kubernetes' size limit,
  // or refused by the API server (their status says which).
  void setConfigsNotWritten(double n) { configs_not_written_->Set(n); }
  double configsNotWritten() const { return configs_not_written_->Value(); }  // for tests
  // The mesh CA: its rotation phase (pki::caPhaseName: Active, NewCaStaged, NewCaActive,
  // OldCaRemoved; one series per phase, 1 for the current) and its seconds to expiry.
  void setMeshCa(const std::string& phase, double seconds_to_expiry);
  std::string meshCaPhase() const;  // for tests: the phase whose series is 1
  // A rotation phase waiting past its time on peers that have not caught up (1, and how
  // many objects hold it), and the phases moved on without them.
  void setMeshCaRotationHeld(bool held, double holders);
  void meshCaRotationForced() { ca_forced_->Increment(); }
  double meshCaRotationHeld() const { return ca_held_->Value(); }  // for tests

  // For tests: the current value of a series.
  double reconcileCount(ControllerName controller, ReconcileResult result) const;
  double writeCount(WriteKind kind) const;

private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* reconcile_[3][3];  // [controller][result]
  prometheus::Histogram* duration_[3][3];
  prometheus::Counter* writes_[5];
  prometheus::Counter* retries_;
  prometheus::Gauge* queue_depth_;
  prometheus::Gauge* cert_expiry_;
  prometheus::Gauge* endpoints_;
  prometheus::Gauge* leader_;
  prometheus::Gauge* services_;
  prometheus::Gauge* configs_not_written_;
  prometheus::Gauge* ca_expiry_;
  prometheus::Gauge* ca_held_;
  prometheus::Gauge* ca_holders_;
  prometheus::Counter* ca_forced_;
  std::vector<std::pair<std::string, prometheus::Gauge*>> ca_phase_;
};

}  // namespace paymesh::obs
