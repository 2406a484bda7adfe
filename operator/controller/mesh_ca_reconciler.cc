#include "operator/controller/mesh_ca_reconciler.h"

#include "kube/errors.h"
#include "obs/log.h"
#include "operator/controller/mesh_ca.h"
#include "operator/desired/children.h"
#include "operator/desired/webhook_cert.h"

namespace paymesh::ctrl {

namespace res = kube::resources;

namespace {

std::string secretName(const model::MeshConfig& mesh) {
  return kube::Store::keyOf(mesh.ca.namespace_, mesh.ca.secret_name);
}

}  // namespace

Result<kube::Action> MeshCaReconciler::reconcile(const kube::ObjectKey& key) {
  MeshStatePtr state = parts_.mesh.get();
  if (!state) return failedPrecondition("no mesh config loaded");
  if (key != keyFor(state->mesh)) return kube::Action{};  // the mesh config names another Secret now
  pki::TimePoint now = parts_.clock.now();
  ASSIGN_OR_RETURN(Json secret, readOrRestore(*state));
  ASSIGN_OR_RETURN(auto view, readCaSecret(secret, caSecretWhere(state->mesh), now));
  // An existing CA is only followed: whoever manages it rotates it.
  pki::TimePoint next_check = now + std::chrono::minutes(1);
  if (!state->mesh.ca.existing) {
    ASSIGN_OR_RETURN(pki::TimePoint rotation_check, rotate(secret, view, state->mesh, now));
    next_check = std::min(next_check, rotation_check);
  }
  publish(view, *state, now);
  return kube::Action{parts_.clock.realDelay(next_check, now, std::chrono::minutes(1))};
}

Result<Json> MeshCaReconciler::readOrRestore(const MeshState& state) {
  const auto& ca = state.mesh.ca;
  auto secret = parts_.client.get(res::kSecrets, ca.namespace_, ca.secret_name);
  // Any other failure keeps the loaded CA in use; the pass is retried with backoff.
  if (!kube::isNotFound(secret.status()) || ca.existing || !state.ca) return secret;
  // Deleted while in use: put back the CA that signed every live leaf (its key is here),
  // rather than a new one that nothing trusts. A rotation in progress restarts as Active.
  auto restored =
      parts_.client.create(res::kSecrets, ca.namespace_, caSecretObject(state.mesh, *state.ca, state.bundle));
  if (!restored.isOk()) return restored.status();
  if (parts_.metrics) parts_.metrics->wrote(obs::WriteKind::kSecret);
  obs::logWarn("mesh CA Secret was deleted: restored from the running operator", {{"secret", secretName(state.mesh)}});
  parts_.events.onSecret(*restored, "Warning", "MeshCaRestored",
                         "the mesh CA Secret was deleted; restored with the CA in use");
  return restored;
}

Result<pki::TimePoint> MeshCaReconciler::rotate(const Json& secret, CaSecretView& view, const model::MeshConfig& mesh,
                                                pki::TimePoint now) {
  pki::CaRotationObservation observed;
  if (view.rotation.phase != pki::CaPhase::kActive) {
    ASSIGN_OR_RETURN(observed, observePeers(view, mesh, now));
  }
  ASSIGN_OR_RETURN(auto plan, planCaRotation(view, caRotationConfig(mesh.ca.rotation_overlap), observed, now,
                                             [&] { return createMeshCa(mesh, now); }));
  reportHold(secret, view, plan);
  if (plan.write) RETURN_IF_ERROR(writeRotation(secret, plan));
  view = std::move(plan.next);
  return plan.next_check;
}

// What the peers hold: the TLS Secrets paymesh wrote and the injector's caBundle.
Result<pki::CaRotationObservation> MeshCaReconciler::observePeers(const CaSecretView& view,
                                                                  const model::MeshConfig& mesh, pki::TimePoint now) {
  std::vector<kube::ObjectPtr> keep;
  std::vector<const Json*> leaves;
  for (const auto& key : parts_.secrets.keys()) {
    kube::ObjectPtr obj = parts_.secrets.get(key);
    if (!obj || !isLeafSecret(*obj)) continue;
    keep.push_back(obj);
    leaves.push_back(obj.get());
  }
  bool webhook_current = true;
  auto config = parts_.client.get(res::kMutatingWebhookConfigurations, "", mesh.webhook.configuration_name);
  if (config.isOk())
    webhook_current = !caBundlePatch(*config, view.bundle.caBundle()).has_value();
  else if (!kube::isNotFound(config.status()))
    return config.status();
  return observeCaRotation(view, leaves, webhook_current, now);
}

Status MeshCaReconciler::writeRotation(const Json& secret, const CaRotationPlan& plan) {
  // Conditional on the resourceVersion read: a concurrent change makes this a conflict.
  auto updated = parts_.client.update(res::kSecrets, caSecretFor(secret, plan.next));
  if (!updated.isOk()) return updated.status();
  if (parts_.metrics) parts_.metrics->wrote(obs::WriteKind::kSecret);
  if (plan.event.empty()) return Status::ok();
  std::string phase = pki::caPhaseName(plan.next.rotation.phase);
  obs::logInfo(plan.event, {{"secret", kube::Store::keyOf(*updated)}, {"phase", phase}});
  parts_.events.onSecret(*updated, "Normal", "MeshCa" + phase, plan.event);
  return Status::ok();
}

namespace {

std::string holderList(const std::vector<std::string>& holders) {
  constexpr size_t kNamed = 10;  // an Event stays readable; the log has the count
  std::string out;
  for (size_t i = 0; i < holders.size() && i < kNamed; ++i) out += (i ? "; " : "") + holders[i];
  if (holders.size() > kNamed) out += "; and " + std::to_string(holders.size() - kNamed) + " more";
  return out;
}

}  // namespace

void MeshCaReconciler::reportHold(const Json& secret, const CaSecretView& before, const CaRotationPlan& plan) {
  if (parts_.metrics) {
    parts_.metrics->setMeshCaRotationHeld(plan.held, static_cast<double>(plan.held ? plan.holders.size() : 0));
    if (plan.forced) parts_.metrics->meshCaRotationForced();
  }
  const std::string phase = pki::caPhaseName(before.rotation.phase);
  if (!plan.held && !plan.forced) {
    if (!reported_hold_.empty()) obs::logInfo("mesh CA rotation no longer held", {{"phase", phase}});
    reported_hold_.clear();
    return;
  }
  std::string message;
  if (plan.forced) {
    message = "mesh CA rotation moved on from " + phase + " without " + std::to_string(plan.holders.size()) +
              " peer(s) that had not caught up (the old CA would otherwise expire first; docs/operator.md): " +
              holderList(plan.holders);
  } else {
    message =
        "mesh CA rotation held in " + phase + " by " + std::to_string(plan.holders.size()) +
        " object(s): " + holderList(plan.holders) +
        (plan.forced_at == pki::TimePoint::max() ? std::string("; it moves on when they expire")
                                                 : "; it moves on without them at " + pki::formatTime(plan.forced_at));
    if (before.rotation.phase == pki::CaPhase::kNewCaStaged)
      message += " (the old CA expires at " + pki::formatTime(before.signing.certificate().notAfter()) + ")";
  }
  if (message == reported_hold_) return;
  reported_hold_ = message;
  obs::logWarn(
      message,
      {{"secret", kube::Store::keyOf(secret)}, {"phase", phase}, {"holders", std::to_string(plan.holders.size())}});
  parts_.events.onSecret(secret, "Warning", plan.forced ? "MeshCaRotationForced" : "MeshCaRotationHeld", message);
}

void MeshCaReconciler::publish(const CaSecretView& view, const MeshState& state, pki::TimePoint now) {
  if (parts_.metrics)
    parts_.metrics->setMeshCa(pki::caPhaseName(view.rotation.phase),
                              std::chrono::duration<double>(view.signing.certificate().notAfter() - now).count());
  if (caIdentity(view) == state.ca_identity) return;
  obs::logInfo("mesh CA changed: every certificate is checked again",
               {{"secret", secretName(state.mesh)}, {"phase", pki::caPhaseName(view.rotation.phase)}});
  parts_.mesh.set(meshStateFrom(state.mesh, view));
  if (parts_.on_ca_changed) parts_.on_ca_changed();
}

}  // namespace paymesh::ctrl
