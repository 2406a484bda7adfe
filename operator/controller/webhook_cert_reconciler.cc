#include "operator/controller/webhook_cert_reconciler.h"

#include "kube/errors.h"
#include "operator/desired/webhook_cert.h"

namespace paymesh::ctrl {

namespace res = kube::resources;

Result<kube::Action> WebhookCertReconciler::reconcile(const kube::ObjectKey& key) {
  ASSIGN_OR_RETURN(MeshStatePtr state, meshWithCa(parts_.mesh));
  if (key != keyFor(state->mesh)) return kube::Action{};  // the mesh config names another Secret now
  pki::TimePoint now = parts_.clock.now();
  ASSIGN_OR_RETURN(pki::TimePoint renewal, ensureServingCertificate(*state, now));
  RETURN_IF_ERROR(syncCaBundle(*state));
  return kube::Action{parts_.clock.realDelay(renewal, now, std::chrono::minutes(1))};
}

Result<pki::TimePoint> WebhookCertReconciler::ensureServingCertificate(const MeshState& state, pki::TimePoint now) {
  const model::MeshConfig& mesh = state.mesh;
  auto current = parts_.client.get(res::kSecrets, mesh.webhook.namespace_, mesh.webhook.secret_name);
  if (!current.isOk() && !kube::isNotFound(current.status())) return current.status();
  const Json* secret = current.isOk() ? &*current : nullptr;
  auto plan = planWebhookCertificate(mesh, secret, *state.ca, state.bundle, now);
  if (plan.issue) {
    ASSIGN_OR_RETURN(Json desired, issueWebhookSecret(mesh, *state.ca, state.bundle, now));
    RETURN_IF_ERROR(parts_.children.applySecret(desired, secret));
    plan = planWebhookCertificate(mesh, &desired, *state.ca, state.bundle, now);
  } else if (plan.update_bundle) {
    RETURN_IF_ERROR(parts_.children.applySecret(withTrustBundle(*secret, state.bundle), secret));
  }
  return plan.next_check;
}

// The injector's caBundle follows the trust bundle (old and new CA during a rotation).
Status WebhookCertReconciler::syncCaBundle(const MeshState& state) {
  const std::string& name = state.mesh.webhook.configuration_name;
  auto config = parts_.client.get(res::kMutatingWebhookConfigurations, "", name);
  if (kube::isNotFound(config.status())) return Status::ok();  // not installed (yet)
  if (!config.isOk()) return config.status();
  auto patch = caBundlePatch(*config, state.bundle.caBundle());
  if (!patch) return Status::ok();
  auto patched =
      parts_.client.patch(res::kMutatingWebhookConfigurations, "", name, kube::PatchType::kJsonPatch, *patch);
  return patched.isOk() ? Status::ok() : patched.status();
}

}  // namespace paymesh::ctrl
