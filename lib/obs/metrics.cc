#include "obs/metrics.h"

namespace paymesh::obs {

namespace {
const char* kResults[] = {"success", "error", "requeue"};
const char* kWrites[] = {"configmap", "secret", "status", "event", "lease"};
constexpr ControllerName kControllers[] = {ControllerName::kPaymentService, ControllerName::kMeshCa,
                                           ControllerName::kWebhookCertificate};
}  // namespace

const char* controllerLabel(ControllerName controller) {
  switch (controller) {
    case ControllerName::kPaymentService: return "paymentservice";
    case ControllerName::kMeshCa: return "mesh-ca";
    case ControllerName::kWebhookCertificate: return "webhook-certificate";
  }
  return "paymentservice";
}

OperatorMetrics::OperatorMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& total = prometheus::BuildCounter()
                    .Name("paymesh_reconcile_total")
                    .Help("Reconcile passes by result")
                    .Register(*registry_);
  auto& duration = prometheus::BuildHistogram()
                       .Name("paymesh_reconcile_duration_seconds")
                       .Help("Duration of reconcile passes by result")
                       .Register(*registry_);
  const prometheus::Histogram::BucketBoundaries buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,   0.25,   0.5,   1,    2.5,   5};
  for (ControllerName c : kControllers) {
    int ci = static_cast<int>(c);
    for (int i = 0; i < 3; ++i) {
      reconcile_[ci][i] = &total.Add({{"controller", controllerLabel(c)}, {"result", kResults[i]}});
      duration_[ci][i] = &duration.Add({{"controller", controllerLabel(c)}, {"result", kResults[i]}}, buckets);
    }
  }
  auto& writes = prometheus::BuildCounter()
                     .Name("paymesh_operator_writes_total")
                     .Help("Writes to the API server by object kind")
                     .Register(*registry_);
  for (int i = 0; i < 5; ++i) writes_[i] = &writes.Add({{"kind", kWrites[i]}});
  retries_ = &prometheus::BuildCounter()
                  .Name("paymesh_reconcile_retries_total")
                  .Help("Keys requeued with backoff after a failed pass")
                  .Register(*registry_)
                  .Add({});
  queue_depth_ = &prometheus::BuildGauge()
                      .Name("paymesh_workqueue_depth")
                      .Help("Keys waiting in the work queue")
                      .Register(*registry_)
                      .Add({});
  cert_expiry_ = &prometheus::BuildGauge()
                      .Name("paymesh_certificate_min_seconds_to_expiry")
                      .Help("Seconds until the soonest-expiring workload certificate a sidecar may present expires")
                      .Register(*registry_)
                      .Add({});
  endpoints_ = &prometheus::BuildGauge()
                    .Name("paymesh_endpoints")
                    .Help("Ready endpoints over every reconciled PaymentService")
                    .Register(*registry_)
                    .Add({});
  ca_expiry_ = &prometheus::BuildGauge()
                    .Name("paymesh_mesh_ca_seconds_to_expiry")
                    .Help("Seconds until the mesh CA that signs new certificates expires")
                    .Register(*registry_)
                    .Add({});
  auto& phases = prometheus::BuildGauge()
                     .Name("paymesh_mesh_ca_rotation_phase")
                     .Help("1 for the mesh CA's current rotation phase, 0 for the others")
                     .Register(*registry_);
  for (const char* p : {"Active", "NewCaStaged", "NewCaActive", "OldCaRemoved"})
    ca_phase_.emplace_back(p, &phases.Add({{"phase", p}}));
  ca_held_ = &prometheus::BuildGauge()
                  .Name("paymesh_mesh_ca_rotation_held")
                  .Help("1 while a mesh CA rotation phase waits past its time on peers that have not caught up")
                  .Register(*registry_)
                  .Add({});
  ca_holders_ = &prometheus::BuildGauge()
                     .Name("paymesh_mesh_ca_rotation_holders")
                     .Help("Objects holding a mesh CA rotation phase (Secrets or the webhook configuration)")
                     .Register(*registry_)
                     .Add({});
  ca_forced_ = &prometheus::BuildCounter()
                    .Name("paymesh_mesh_ca_rotation_forced_total")
                    .Help("Mesh CA rotation phases moved on without the peers holding them")
                    .Register(*registry_)
                    .Add({});
  leader_ = &prometheus::BuildGauge()
                 .Name("paymesh_leader")
                 .Help("1 when this replica holds the leader Lease")
                 .Register(*registry_)
                 .Add({});
  services_ = &prometheus::BuildGauge()
                   .Name("paymesh_payment_services")
                   .Help("PaymentServices in the informer cache")
                   .Register(*registry_)
                   .Add({});
  configs_not_written_ =
      &prometheus::BuildGauge()
           .Name("paymesh_sidecar_configs_not_written")
           .Help("PaymentServices whose sidecar ConfigMap is over Kubernetes' size limit or refused by the API server")
           .Register(*registry_)
           .Add({});
}

void OperatorMetrics::reconciled(ControllerName controller, ReconcileResult result, double seconds) {
  reconcile_[static_cast<int>(controller)][static_cast<int>(result)]->Increment();
  duration_[static_cast<int>(controller)][static_cast<int>(result)]->Observe(seconds);
}

void OperatorMetrics::wrote(WriteKind kind) { writes_[static_cast<int>(kind)]->Increment(); }

double OperatorMetrics::reconcileCount(ControllerName controller, ReconcileResult result) const {
  return reconcile_[static_cast<int>(controller)][static_cast<int>(result)]->Value();
}

double OperatorMetrics::writeCount(WriteKind kind) const { return writes_[static_cast<int>(kind)]->Value(); }

void OperatorMetrics::setMeshCa(const std::string& phase, double seconds_to_expiry) {
  for (auto& [name, gauge] : ca_phase_) gauge->Set(name == phase ? 1 : 0);
  ca_expiry_->Set(seconds_to_expiry);
}

void OperatorMetrics::setMeshCaRotationHeld(bool held, double holders) {
  ca_held_->Set(held ? 1 : 0);
  ca_holders_->Set(holders);
}

std::string OperatorMetrics::meshCaPhase() const {
  for (const auto& [name, gauge] : ca_phase_)
    if (gauge->Value() == 1) return name;
  return "";
}

}  // namespace paymesh::obs
