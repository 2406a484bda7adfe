#include "operator/controller/service_reconciler.h"

#include "base/json_fields.h"
#include "kube/errors.h"
#include "kube/object_key.h"
#include "operator/controller/cache_view.h"
#include "pki/certificate.h"
#include "policy/names.h"

namespace paymesh::ctrl {

namespace f = fields;
namespace res = kube::resources;

namespace {

// The API server will not store this object as it is (422 Invalid, 413 too large): a
// retry of the same write cannot succeed.
bool refusedForGood(const Status& s) { return kube::isInvalid(s); }

}  // namespace

Result<kube::Action> PaymentServiceReconciler::reconcile(const kube::ObjectKey& key) {
  ASSIGN_OR_RETURN(MeshStatePtr mesh, meshWithCa(parts_.mesh));
  pki::TimePoint now = parts_.clock.now();
  auto entry = caches_.services.get(key);
  if (!entry) return cleanUpAfterDeletion(key);
  if (entry->deleting()) return kube::Action{};  // the garbage collector removes the children
  kube::ObjectPtr secret = caches_.secrets.get(key.ns, policy::tlsSecretName(key.name));
  const model::PaymentService* service = entry->service.get();  // null: the spec does not parse
  Collisions collisions;
  // A Secret in the way is neither read as the current certificate nor planned over.
  if (service && secret)
    collisions.secret = collisionOf("Secret", *secret, {service->metadata.name, service->metadata.uid});
  Desired desired = build(*entry, *mesh, collisions.secret ? nullptr : secret.get(), now, !collisions.secret);
  Status config_failure;
  if (service) RETURN_IF_ERROR(applyChildren(desired, key, secret.get(), *service, collisions, config_failure));
  // A transient failure: the status would call the configuration in force; retried.
  if (!config_failure.isOk() && !refusedForGood(config_failure)) return config_failure;
  // What the writes found changes the status buildDesired computed: computed again, once.
  bool restated = false;
  if (collisions.config_map || collisions.secret) {
    noteCollisions(desired, collisions);
    restated = true;
  }
  if (!config_failure.isOk()) {
    configRefused(desired.observed, config_failure.message());
    restated = true;
  }
  bool config_written = desired.config_map && config_failure.isOk() && !collisions.config_map;
  if (service && !config_written && !collisions.config_map) {
    desired.observed.config_hash_in_place = configHashInPlace(key);
    restated |= !desired.observed.config_hash_in_place.empty();
  }
  if (restated) desired.status = computeStatus(desired.observed, service->status, pki::formatTime(now));
  ASSIGN_OR_RETURN(bool exists, writeStatus(key, *entry, desired));
  if (!exists) return kube::Action{};
  collision_log_.note(key, collisions.all());
  bool config_sent = desired.observed.config_reason != kConfigTooLarge && config_failure.isOk();
  parts_.gauges.record(key, desired.observed.endpoints, desired.not_after, config_sent);
  if (!config_failure.isOk()) return config_failure;  // retried with backoff, the status already says why
  kube::Action action;
  if (desired.next_check) action.requeue_after = parts_.clock.realDelay(*desired.next_check, now);
  if (collisions.config_map || collisions.secret)
    action.requeue_after = std::min(action.requeue_after.value_or(parts_.collision_recheck), parts_.collision_recheck);
  return action;
}

std::vector<ChildCollision> PaymentServiceReconciler::Collisions::all() const {
  std::vector<ChildCollision> out;
  for (const auto* c : {&config_map, &secret})
    if (*c) out.push_back(**c);
  return out;
}

// The API server's garbage collector removes a deleted service's children through their
// owner references; a pass that raced the deletion (the cache still held the service)
// may have written one after the collector ran, and removes it here.
Result<kube::Action> PaymentServiceReconciler::cleanUpAfterDeletion(const kube::ObjectKey& key) {
  kube::ObjectPtr cm = caches_.config_maps.get(key.ns, policy::configMapName(key.name));
  kube::ObjectPtr secret = caches_.secrets.get(key.ns, policy::tlsSecretName(key.name));
  RETURN_IF_ERROR(parts_.children.removeOwned(res::kConfigMaps, cm.get(), key.name));
  for (int n = 0; n < policy::kConfigShards; ++n) {
    kube::ObjectPtr shard = caches_.config_maps.get(key.ns, policy::configShardName(key.name, n));
    RETURN_IF_ERROR(parts_.children.removeOwned(res::kConfigMaps, shard.get(), key.name));
  }
  RETURN_IF_ERROR(parts_.children.removeOwned(res::kSecrets, secret.get(), key.name));
  parts_.gauges.forget(key);
  collision_log_.forget(key);
  return kube::Action{};
}

Desired PaymentServiceReconciler::build(const ServiceCache::Entry& entry, const MeshState& mesh, const Json* secret,
                                        pki::TimePoint now, bool sign) {
  // An invalid spec (the API server's schema should have refused it): said in the status, not retried.
  if (!entry.service) return buildDesiredForInvalidSpec(entry.generation(), entry.error, now);
  CacheView view(caches_.services, caches_.pods, caches_.jwks_config_maps, caches_.jwks_secrets,
                 entry.service->metadata.namespace_, caches_.endpoints);
  Signer signer{*mesh.ca, mesh.bundle};
  return buildDesired({*entry.service, view, mesh.mesh, sign ? &signer : nullptr, secret, now});
}

// Each child on its own: one whose name is taken, or whose write fails, does not hold
// back the other.
Status PaymentServiceReconciler::applyChildren(const Desired& desired, const kube::ObjectKey& key, const Json* secret,
                                               const model::PaymentService& service, Collisions& collisions,
                                               Status& config_failure) {
  ChildOwner owner{service.metadata.name, service.metadata.uid};
  if (desired.config_map) config_failure = applyConfig(desired, key, owner, collisions.config_map);
  if (desired.secret && !collisions.secret) {
    ASSIGN_OR_RETURN(collisions.secret, parts_.children.applyTlsSecret(*desired.secret, secret, owner));
    if (desired.issued && secret && !collisions.secret)
      parts_.events.onService(service, "Normal", "CertificateRenewed",
                              "workload certificate reissued: " + desired.secret_reason);
  }
  return Status::ok();
}

void PaymentServiceReconciler::noteCollisions(Desired& desired, const Collisions& collisions) {
  if (collisions.config_map) configNameTaken(desired.observed, collisions.config_map->message());
  if (collisions.secret) {
    certificateNameTaken(desired.observed, collisions.secret->message());
    desired.not_after.reset();  // no certificate of ours in force
    desired.next_check.reset();
  }
}

// The shards first (the first ConfigMap names the clusters whose files they hold), then
// the first, then the removal of shards no longer in use; it stops at a failure or at a
// name taken by an object paymesh does not own.
Status PaymentServiceReconciler::applyConfig(const Desired& desired, const kube::ObjectKey& key,
                                             const ChildOwner& owner, ChildWriter::Collision& collision) {
  auto apply = [&](const nlohmann::ordered_json& config_map, const std::string& data_hash,
                   const std::string& name) -> Status {
    kube::ObjectPtr cached = caches_.config_maps.get(key.ns, name);
    ASSIGN_OR_RETURN(collision, parts_.children.applyConfigMap(Json(config_map), data_hash, cached.get(), owner));
    return Status::ok();
  };
  const auto& shards = desired.config_shards;
  for (size_t n = 0; n < shards.size() && !collision; ++n) {
    if (shards[n].config_map)
      RETURN_IF_ERROR(
          apply(*shards[n].config_map, shards[n].data_hash, policy::configShardName(key.name, static_cast<int>(n))));
  }
  if (collision) return Status::ok();
  RETURN_IF_ERROR(apply(*desired.config_map, desired.config_map_data_hash, policy::configMapName(key.name)));
  if (collision) return Status::ok();
  for (size_t n = 0; n < shards.size(); ++n) {
    if (shards[n].config_map) continue;
    kube::ObjectPtr unused = caches_.config_maps.get(key.ns, policy::configShardName(key.name, static_cast<int>(n)));
    RETURN_IF_ERROR(parts_.children.removeOwned(res::kConfigMaps, unused.get(), key.name));
  }
  return Status::ok();
}

// The configuration sidecars still read, whichever pass wrote it: the hash annotation of
// the first ConfigMap in place (the whole configuration's, shards included); empty if none.
std::string PaymentServiceReconciler::configHashInPlace(const kube::ObjectKey& key) const {
  kube::ObjectPtr in_place = caches_.config_maps.get(key.ns, policy::configMapName(key.name));
  if (!in_place) return "";
  const Json& annotations = kube::metadataOf(*in_place).value(f::kAnnotations, Json::object());
  if (!annotations.is_object()) return "";
  auto annotated = annotations.find(policy::kConfigHashAnnotation);
  return annotated != annotations.end() && annotated->is_string() ? annotated->get<std::string>() : "";
}

Result<bool> PaymentServiceReconciler::writeStatus(const kube::ObjectKey& key, const ServiceCache::Entry& entry,
                                                   const Desired& desired) {
  if (model::statusToJson(desired.status) == entry.object->value(f::kStatus, Json::object())) return true;
  // Conditional on the object the status was computed from: a resourceVersion in a merge
  // patch is a precondition, so a stale pass (or a former leader) gets a Conflict.
  Json patch = model::statusMergePatch(desired.status);
  const Json& rv = kube::metadataOf(*entry.object).value(f::kResourceVersion, Json());
  if (rv.is_string()) patch[f::kMetadata][f::kResourceVersion] = rv;
  auto patched = parts_.client.patch(res::kPaymentServices, key.ns, key.name, kube::PatchType::kMerge, patch, true,
                                     kube::Answer::kNone);
  if (kube::isNotFound(patched.status())) return false;
  if (!patched.isOk()) return patched.status();
  if (parts_.metrics) parts_.metrics->wrote(obs::WriteKind::kStatus);
  if (entry.service) {
    for (const auto& t : transitions(entry.service->status, desired.status))
      parts_.events.onService(*entry.service, t.warning ? "Warning" : "Normal", t.reason,
                              t.type + " " + t.status + ": " + t.message);
  }
  return true;
}

}  // namespace paymesh::ctrl
