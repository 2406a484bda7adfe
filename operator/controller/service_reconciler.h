#pragma once
// One pass of a PaymentService, level-based: read the service and what its config reads
// from the informer caches (never from the event that queued it), build everything it
// should own with buildDesired, apply each child only where it differs, then write the
// status once, when it differs. A failed Secret write fails the pass (retried with
// backoff) before any status is written. A ConfigMap write failure never holds back the
// certificate: the Secret is still written, then the pass fails; when the API server
// refused the ConfigMap for good (422, 413) the status says so first (ConfigReady False,
// ConfigRefused). A configuration over Kubernetes' size limit is split into endpoint
// shards (written before the first ConfigMap; those no longer used deleted after it); one
// that cannot fit even so is not sent at all (buildDesired: ConfigTooLarge). A child whose name an object paymesh does
// not own holds (ownership.h) is not written: the other child still is, the status says which object is in the way
// (Ready False, ChildNameTaken; an Event on the transition), and the service is looked at again every
// `collision_recheck` until the name is free.

#include "kube/runner.h"
#include "kube/store.h"
#include "operator/controller/child_writer.h"
#include "operator/controller/collision_log.h"
#include "operator/controller/endpoint_cache.h"
#include "operator/controller/event_recorder.h"
#include "operator/controller/fleet_gauges.h"
#include "operator/controller/mesh_state.h"
#include "operator/controller/pass_clock.h"
#include "operator/controller/service_cache.h"
#include "operator/desired/build_desired.h"

namespace paymesh::ctrl {

class PaymentServiceReconciler : public kube::Reconciler {
public:
  struct Caches {
    ServiceCache& services;
    const kube::Store& pods;
    const kube::Store& config_maps;  // trimmed with trimConfigMap
    const kube::Store& secrets;
    const kube::Store& jwks_config_maps;  // labelled paymesh.io/jwks, whole
    const kube::Store& jwks_secrets;
    EndpointCache* endpoints = nullptr;  // the services' endpoints between passes
  };
  struct Parts {
    kube::Client& client;  // writes the status (leader-gated)
    ChildWriter& children;
    EventRecorder& events;
    FleetGauges& gauges;
    const MeshStateHolder& mesh;
    PassClock clock;
    obs::OperatorMetrics* metrics = nullptr;
    // While a child's name is taken: an object without the managed-by label is outside the
    // caches, so its removal queues nothing.
    std::chrono::milliseconds collision_recheck{std::chrono::seconds(30)};
  };
  PaymentServiceReconciler(Caches caches, Parts parts) : caches_(caches), parts_(std::move(parts)) {}

  Result<kube::Action> reconcile(const kube::ObjectKey& key) override;

private:
  // The children not written this pass because another object holds their name.
  struct Collisions {
    ChildWriter::Collision config_map, secret;
    std::vector<ChildCollision> all() const;
  };

  Result<kube::Action> cleanUpAfterDeletion(const kube::ObjectKey& key);
  // `sign` false: no certificate planned (its Secret's name is taken).
  Desired build(const ServiceCache::Entry& entry, const MeshState& mesh, const Json* secret, pki::TimePoint now,
                bool sign);
  // Fails only on the Secret's write; the ConfigMap's failure comes back in `config_failure`.
  Status applyChildren(const Desired& desired, const kube::ObjectKey& key, const Json* secret,
                       const model::PaymentService& service, Collisions& collisions, Status& config_failure);
  // The ConfigMaps of the configuration: its shards, the first, unused shards removed.
  Status applyConfig(const Desired& desired, const kube::ObjectKey& key, const ChildOwner& owner,
                     ChildWriter::Collision& collision);
  // Notes in `desired.observed` the children not written (the status is computed again
  // after).
  static void noteCollisions(Desired& desired, const Collisions& collisions);
  // The hash annotation of the first ConfigMap in place, for a pass that did not write one.
  std::string configHashInPlace(const kube::ObjectKey& key) const;
  // False when the service was deleted meanwhile (the next pass cleans up).
  Result<bool> writeStatus(const kube::ObjectKey& key, const ServiceCache::Entry& entry, const Desired& desired);

  Caches caches_;
  Parts parts_;
  CollisionLog collision_log_;
};

}  // namespace paymesh::ctrl
