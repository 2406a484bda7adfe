#pragma once
// The mesh CA Secret's controller (key: the Secret the mesh config names). A pass reads
// the Secret, puts it back if it was deleted while in use, moves the rotation of a CA
// paymesh created at most one phase forward (operator/desired/ca_rotation.h), and
// publishes the CA and trust bundle it holds: when those differ from the ones in use,
// the mesh state is replaced and `on_ca_changed` runs (every leaf is then looked at
// again). A CA managed elsewhere (ca.existing) is only followed. It looks again at least
// every minute.

#include <functional>

#include "kube/runner.h"
#include "kube/store.h"
#include "operator/controller/event_recorder.h"
#include "operator/controller/mesh_state.h"
#include "operator/controller/pass_clock.h"
#include "operator/desired/ca_rotation.h"
#include "operator/desired/children.h"

namespace paymesh::ctrl {

class MeshCaReconciler : public kube::Reconciler {
public:
  struct Parts {
    kube::Client& client;        // leader-gated
    const kube::Store& secrets;  // the Secrets paymesh wrote, whose ca.crt a rotation waits for
    EventRecorder& events;
    MeshStateHolder& mesh;
    PassClock clock;
    obs::OperatorMetrics* metrics = nullptr;
    std::function<void()> on_ca_changed;
  };
  explicit MeshCaReconciler(Parts parts) : parts_(std::move(parts)) {}

  static kube::ObjectKey keyFor(const model::MeshConfig& mesh) { return {mesh.ca.namespace_, mesh.ca.secret_name}; }

  Result<kube::Action> reconcile(const kube::ObjectKey& key) override;

private:
  Result<Json> readOrRestore(const MeshState& state);
  // The rotation moved on at most one phase; `view` becomes what the Secret now holds.
  // Returns when to look again.
  Result<pki::TimePoint> rotate(const Json& secret, CaSecretView& view, const model::MeshConfig& mesh,
                                pki::TimePoint now);
  Result<pki::CaRotationObservation> observePeers(const CaSecretView& view, const model::MeshConfig& mesh,
                                                  pki::TimePoint now);
  Status writeRotation(const Json& secret, const CaRotationPlan& plan);
  // A held or forced phase: logged, an Event on the CA Secret and the metrics, once per
  // change of what holds it.
  void reportHold(const Json& secret, const CaSecretView& before, const CaRotationPlan& plan);
  void publish(const CaSecretView& view, const MeshState& state, pki::TimePoint now);

  Parts parts_;
  std::string reported_hold_;  // the last hold reported ("" when none)
};

}  // namespace paymesh::ctrl
