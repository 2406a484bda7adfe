#pragma once
// The webhook serving certificate's controller (key: the Secret the mesh config names):
// issues and renews the certificate for the webhook Service's DNS names (90 days,
// renewed at 2/3 of its life or when the CA changes), rewrites its ca.crt around the
// same key when the trust bundle changes, and keeps clientConfig.caBundle of every
// webhook of the injector's MutatingWebhookConfiguration equal to the trust bundle. It
// looks again at the renewal time and at least every minute (the configuration may be
// installed after the operator starts).

#include "kube/runner.h"
#include "operator/controller/child_writer.h"
#include "operator/controller/mesh_state.h"
#include "operator/controller/pass_clock.h"

namespace paymesh::ctrl {

class WebhookCertReconciler : public kube::Reconciler {
public:
  struct Parts {
    kube::Client& client;  // leader-gated
    ChildWriter& children;
    const MeshStateHolder& mesh;
    PassClock clock;
  };
  explicit WebhookCertReconciler(Parts parts) : parts_(std::move(parts)) {}

  static kube::ObjectKey keyFor(const model::MeshConfig& mesh) {
    return {mesh.webhook.namespace_, mesh.webhook.secret_name};
  }

  Result<kube::Action> reconcile(const kube::ObjectKey& key) override;

private:
  // Returns the certificate's renewal time.
  Result<pki::TimePoint> ensureServingCertificate(const MeshState& state, pki::TimePoint now);
  Status syncCaBundle(const MeshState& state);

  Parts parts_;
};

}  // namespace paymesh::ctrl
