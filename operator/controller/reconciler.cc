#include "operator/controller/reconciler.h"

#include <algorithm>

#include "kube/errors.h"
#include "kube/resource.h"
#include "obs/log.h"
#include "operator/controller/mesh_ca.h"
#include "operator/desired/children.h"
#include "operator/desired/webhook_cert.h"
#include "operator/status/conditions.h"
#include "pki/certificate.h"
#include "pki/issue.h"
#include "pki/key.h"
#include "policy/names.h"
#include "policy/sidecar_config.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;
namespace res = kube::resources;

namespace {

// ordered_json -> json (the client speaks json; key order does not matter on the wire).
Json toJson(const nlohmann::ordered_json& v) {
  if (v.is_object()) {
    Json out = Json::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = toJson(it.value());
    return out;
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(toJson(e));
    return out;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) return v.get<double>();
  return nullptr;
}

std::string rvOf(const Json& object) { return object.value("metadata", Json::object()).value("resourceVersion", ""); }

}  // namespace

std::optional<ServiceCache::Entry> ServiceCache::get(const std::string& ns, const std::string& name) {
  kube::ObjectPtr obj = store_.get(ns, name);
  std::string key = ns + "/" + name;
  if (!obj) {
    erase(ns, name);
    return std::nullopt;
  }
  std::string rv = rvOf(*obj);
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.first == rv) return it->second.second;
  }
  Entry e;
  e.object = obj;
  auto parsed = model::parsePaymentService(*obj);
  if (parsed.object) {
    e.service = std::make_shared<const model::PaymentService>(std::move(*parsed.object));
  } else {
    for (const auto& err : parsed.errors) e.error += (e.error.empty() ? "" : "; ") + model::toString(err);
  }
  std::lock_guard lock(mu_);
  entries_[key] = {rv, e};
  return e;
}

void ServiceCache::erase(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  entries_.erase(ns + "/" + name);
}

Reconciler::Reconciler(kube::Client& client, Caches caches, ServiceCache& parsed, ReconcilerOptions options,
                       obs::OperatorMetrics* metrics)
    : client_(client), caches_(caches), parsed_(parsed), options_(std::move(options)), metrics_(metrics) {}

void Reconciler::setMesh(MeshStatePtr mesh) {
  std::unique_lock lock(mesh_mu_);
  mesh_ = std::move(mesh);
}

MeshStatePtr Reconciler::mesh() const {
  std::shared_lock lock(mesh_mu_);
  return mesh_;
}

std::string Reconciler::fingerprint(const std::string& kind, const Json& object) {
  const Json& meta = object.value("metadata", Json::object());
  std::string owners = meta.value("ownerReferences", Json::array()).dump();
  if (kind == "configmap") {
    std::string digest;
    if (object.contains(kDataHashField)) {
      digest = object.value(kDataHashField, "");
    } else {
      std::map<std::string, std::string> files;
      const Json data = object.value("data", Json::object());
      for (auto it = data.begin(); it != data.end(); ++it)
        files[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
      digest = policy::configHash(files);
    }
    return digest + "|" + owners;
  }
  const Json& data = object.value("data", Json::object());
  return std::to_string(std::hash<std::string>{}(data.value(pki::kTlsCertKey, "") + data.value(pki::kCaCertKey, ""))) +
         "|" + owners;
}

bool Reconciler::isOwnWrite(const std::string& kind, const std::string& key, const Json& object) const {
  std::string fp = fingerprint(kind, object);
  std::lock_guard lock(echo_mu_);
  auto it = written_fp_.find(kind + "/" + key);
  return it != written_fp_.end() && it->second == fp;
}

Status Reconciler::write(const kube::ResourceRef& r, const std::string& ns, const Json& desired, const Json* current,
                         obs::WriteKind kind, const std::string& echo_kind) {
  if (!mayWrite()) return unavailable("not the leader: write skipped");
  std::string echo_key = echo_kind + "/" + ns + "/" + desired["metadata"].value("name", "");
  {
    std::lock_guard lock(echo_mu_);
    written_fp_[echo_key] = fingerprint(echo_kind, desired);
  }
  Result<Json> out = current ? client_.update(r, mergeForUpdate(desired, *current)) : client_.create(r, ns, desired);
  if (!out.isOk()) {
    std::lock_guard lock(echo_mu_);
    written_fp_.erase(echo_key);
    return out.status();
  }
  if (metrics_) metrics_->wrote(kind);
  return Status::ok();
}

void Reconciler::recordEvent(const model::PaymentService& svc, const std::string& type, const std::string& reason,
                             const std::string& message) {
  recordEventOn({{"apiVersion", model::kApiVersion},
                 {"kind", model::kKind},
                 {"name", svc.metadata.name},
                 {"namespace", svc.metadata.namespace_},
                 {"uid", svc.metadata.uid}},
                svc.metadata.namespace_, type, reason, message);
}

void Reconciler::recordEventOn(const Json& involved, const std::string& ns, const std::string& type,
                               const std::string& reason, const std::string& message) {
  if (!mayWrite()) return;
  std::string now = pki::formatTime(options_.now());
  Json ev = {{"apiVersion", "v1"},
             {"kind", "Event"},
             {"metadata", {{"generateName", involved.value("name", "paymesh") + "."}, {"namespace", ns}}},
             {"involvedObject", involved},
             {"reason", reason},
             {"message", message},
             {"type", type},
             {"firstTimestamp", now},
             {"lastTimestamp", now},
             {"count", 1},
             {"source", {{"component", options_.component}}}};
  // Events are best effort: a lost one never fails a pass.
  if (client_.create(res::kEvents, ns, ev).isOk() && metrics_) metrics_->wrote(obs::WriteKind::kEvent);
}

std::chrono::milliseconds Reconciler::realDelay(pki::TimePoint next_check, pki::TimePoint now) const {
  auto real = requeueDelay(next_check, now);
  if (options_.clock_rate > 0 && options_.clock_rate != 1.0)
    real = std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(real.count()) / options_.clock_rate));
  return std::max(real, std::chrono::milliseconds(10));
}

void Reconciler::recordStats(const std::string& key, int64_t endpoints, std::optional<pki::TimePoint> not_after) {
  if (!metrics_) return;
  std::lock_guard lock(stats_mu_);
  auto it = stats_.find(key);
  if (it != stats_.end()) {
    endpoint_sum_ -= it->second.first;
    if (it->second.second) expiries_.erase(expiries_.find(*it->second.second));
    stats_.erase(it);
  }
  if (endpoints >= 0) {
    stats_[key] = {endpoints, not_after};
    endpoint_sum_ += endpoints;
    if (not_after) expiries_.insert(*not_after);
  }
  metrics_->setEndpoints(static_cast<double>(endpoint_sum_));
  metrics_->setCertificateSecondsToExpiry(
      expiries_.empty() ? 0 : std::chrono::duration<double>(*expiries_.begin() - options_.now()).count());
}

Status Reconciler::removeOrphan(const kube::ResourceRef& r, const kube::Store& cache, const std::string& ns,
                                const std::string& child, const std::string& owner) {
  kube::ObjectPtr obj = cache.get(ns, child);
  if (!obj) return Status::ok();
  const Json& owners = (*obj)["metadata"].value("ownerReferences", Json::array());
  bool ours = owners.size() == 1 && owners[0].value("kind", "") == model::kKind && owners[0].value("name", "") == owner;
  if (!ours) return Status::ok();
  if (!mayWrite()) return unavailable("not the leader: write skipped");
  kube::DeleteOptions options;
  options.precondition_uid = (*obj)["metadata"].value("uid", "");
  Status s = client_.remove(r, ns, child, options);
  if (s.isOk() || kube::isNotFound(s)) return Status::ok();
  return s;
}

Result<Action> Reconciler::reconcile(const std::string& ns, const std::string& name) {
  MeshStatePtr mesh_state = mesh();
  if (!mesh_state || !mesh_state->ca) return failedPrecondition("no mesh CA loaded");
  const model::MeshConfig& mesh = mesh_state->mesh;
  pki::TimePoint now = options_.now();

  auto entry = parsed_.get(ns, name);
  if (!entry) {
    // Deleted: the API server's garbage collector removes its children through their
    // owner references. A pass that raced the deletion (the cache still held the
    // service) may have written a child after the collector ran: remove those here.
    RETURN_IF_ERROR(removeOrphan(res::kConfigMaps, caches_.config_maps, ns, policy::configMapName(name), name));
    RETURN_IF_ERROR(removeOrphan(res::kSecrets, caches_.secrets, ns, policy::tlsSecretName(name), name));
    recordStats(ns + "/" + name, -1, std::nullopt);
    return Action{};
  }
  if (entry->object->value("metadata", Json::object()).contains("deletionTimestamp")) return Action{};

  const Json& current_status = entry->object->value("status", Json::object());
  Observed observed;
  observed.generation = entry->object->value("metadata", Json::object()).value("generation", int64_t{0});
  model::PaymentServiceStatus previous;
  std::optional<pki::TimePoint> next_check;
  std::optional<pki::TimePoint> cert_not_after;

  if (!entry->service) {
    // Invalid spec (the API server's schema should have refused it): say so, don't retry.
    observed.config_error = "invalid spec: " + entry->error;
    observed.certificate_error = "not issued: invalid spec";
  } else {
    const model::PaymentService& self = *entry->service;
    previous = self.status;

    // The services this config reads, from the cache.
    std::map<std::string, ServicePtr> keep;
    std::map<std::string, const model::PaymentService*> services;
    services[name] = &self;
    auto lookup = [&](const std::string& n) {
      if (services.count(n)) return;
      auto e = parsed_.get(ns, n);
      if (e && e->service) {
        keep[n] = e->service;
        services[n] = e->service.get();
      }
    };
    for (const auto& d : self.spec.dependencies) {
      lookup(d.name);
      if (auto it = services.find(d.name); it != services.end() && it->second->spec.resilience.fallback_service)
        lookup(*it->second->spec.resilience.fallback_service);
    }
    for (const auto& c : self.spec.allowed_callers) lookup(c);

    policy::RenderInputs in;
    in.self = &self;
    in.services = services;
    in.mesh = &mesh;
    for (const auto& svc_name : endpointServices(self, services)) {
      auto pods = caches_.pods.byLabel(model::kServiceLabel, svc_name);
      std::vector<const Json*> ptrs;
      ptrs.reserve(pods.size());
      for (const auto& p : pods) ptrs.push_back(p.get());
      auto eps = endpointsFromPods(*services.at(svc_name), ptrs);
      if (!eps.endpoints.empty()) in.endpoints[svc_name] = std::move(eps.endpoints);
    }
    observed.endpoints = static_cast<int64_t>(model::readyEndpoints(in.endpoints[name]).size());
    if (in.endpoints[name].empty()) in.endpoints.erase(name);
    observed.uses_ring = self.spec.lb_policy == model::LbPolicy::kConsistentHash;

    auto rendered = policy::renderSidecarConfig(in);
    if (!rendered.isOk()) {
      observed.config_error = "render failed: " + rendered.status().message();
    } else {
      observed.missing = rendered->missing;
      observed.without_endpoints = rendered->without_endpoints;
      observed.notes = rendered->notes;
      observed.ring_checksum = rendered->ring_checksum;
      observed.config_hash = rendered->config_hash;
      Json desired = toJson(rendered->config_map);
      std::string cm_name = policy::configMapName(name);
      kube::ObjectPtr cached = caches_.config_maps.get(ns, cm_name);
      if (!cached || !configMapUpToDate(desired, *cached)) {
        RETURN_IF_ERROR(write(res::kConfigMaps, ns, desired, cached.get(), obs::WriteKind::kConfigMap, "configmap"));
      }
      observed.config_ok = true;
    }

    // Certificate.
    std::string secret_name = policy::tlsSecretName(name);
    kube::ObjectPtr secret = caches_.secrets.get(ns, secret_name);
    auto plan = planCertificate(self, mesh, secret.get(), *mesh_state->ca, mesh_state->bundle, now);
    if (plan.action == CertificatePlan::Action::kIssue) {
      auto alg = pki::parseKeyAlgorithm(model::toString(self.spec.tls.certificate.key_algorithm));
      auto duration = std::chrono::duration_cast<std::chrono::seconds>(self.spec.tls.certificate.duration);
      Result<pki::LeafSpec> spec = alg.isOk() ? pki::workloadLeafSpec(workloadIdentity(self, mesh), duration, *alg)
                                              : Result<pki::LeafSpec>(alg.status());
      Result<pki::IssuedCertificate> issued = spec.isOk() ? pki::issueCertificate(*mesh_state->ca, *spec, now)
                                                          : Result<pki::IssuedCertificate>(spec.status());
      Result<pki::TlsSecretContent> content = issued.isOk() ? pki::tlsSecretContent(*issued, mesh_state->bundle)
                                                            : Result<pki::TlsSecretContent>(issued.status());
      if (!content.isOk()) {
        observed.certificate_error = "issue failed: " + content.status().message();
      } else {
        std::optional<ReplacedCertificate> replaced;
        if (plan.previous_not_after) replaced = ReplacedCertificate{*plan.previous_not_after, now};
        Json desired = tlsSecretObject(self, *content, replaced);
        RETURN_IF_ERROR(write(res::kSecrets, ns, desired, secret.get(), obs::WriteKind::kSecret, "secret"));
        bool renewal = secret != nullptr;
        plan = keepCertificate(self, mesh, issued->certificate, replaced, *mesh_state->ca, now);
        if (renewal)
          recordEvent(self, "Normal", "CertificateRenewed",
                      "workload certificate reissued: " + (plan.reason.empty() ? std::string("renewed") : plan.reason));
      }
    } else if (plan.action == CertificatePlan::Action::kUpdate) {
      Json desired = withTrustBundle(*secret, mesh_state->bundle);
      desired["metadata"]["labels"][kManagedByLabel] = kManagedByValue;
      desired["metadata"]["labels"][model::kServiceLabel] = name;
      if (!self.metadata.uid.empty()) desired["metadata"]["ownerReferences"] = Json::array({ownerReference(self)});
      RETURN_IF_ERROR(write(res::kSecrets, ns, desired, secret.get(), obs::WriteKind::kSecret, "secret"));
    }
    if (plan.action != CertificatePlan::Action::kIssue || observed.certificate_error.empty()) {
      if (observed.certificate_error.empty()) {
        observed.certificate_ok = true;
        observed.certificate_not_after = pki::formatTime(plan.not_after);
        observed.mounted_certificate_not_after = pki::formatTime(plan.mounted_not_after);
        next_check = plan.next_check;
        cert_not_after = plan.mounted_not_after;
      }
    }
  }

  // Status, once, when it differs.
  auto next = computeStatus(observed, previous, pki::formatTime(now));
  Json status = model::statusToJson(next);
  if (status != current_status) {
    Json patch_status = status;
    for (const char* k : {"ringChecksum", "configHash", "certificateNotAfter", "mountedCertificateNotAfter"})
      if (!patch_status.contains(k)) patch_status[k] = nullptr;
    if (!mayWrite()) return unavailable("not the leader: write skipped");
    auto patched =
        client_.patch(res::kPaymentServices, ns, name, kube::PatchType::kMerge, {{"status", patch_status}}, true);
    if (kube::isNotFound(patched.status())) return Action{};  // deleted meanwhile: the next pass cleans up
    if (!patched.isOk()) return patched.status();
    if (metrics_) metrics_->wrote(obs::WriteKind::kStatus);
    if (entry->service) {
      for (const auto& t : transitions(previous, next))
        recordEvent(*entry->service, t.warning ? "Warning" : "Normal", t.reason,
                    t.type + " " + t.status + ": " + t.message);
    }
  }

  recordStats(ns + "/" + name, observed.endpoints, cert_not_after);
  Action action;
  if (next_check) action.requeue_after = realDelay(*next_check, now);
  return action;
}

}  // namespace paymesh::ctrl

namespace paymesh::ctrl {

Result<Action> Reconciler::reconcileWebhook() {
  MeshStatePtr mesh_state = mesh();
  if (!mesh_state || !mesh_state->ca) return failedPrecondition("no mesh CA loaded");
  const model::MeshConfig& mesh = mesh_state->mesh;
  pki::TimePoint now = options_.now();
  const std::string& ns = mesh.webhook.namespace_;
  auto current = client_.get(res::kSecrets, ns, mesh.webhook.secret_name);
  if (!current.isOk() && !kube::isNotFound(current.status())) return current.status();
  const Json* secret = current.isOk() ? &*current : nullptr;
  auto plan = planWebhookCertificate(mesh, secret, *mesh_state->ca, mesh_state->bundle, now);
  if (plan.issue) {
    ASSIGN_OR_RETURN(auto spec,
                     pki::webhookLeafSpec(mesh.webhook.service_name, ns,
                                          std::chrono::duration_cast<std::chrono::seconds>(kWebhookCertDuration)));
    ASSIGN_OR_RETURN(auto issued, pki::issueCertificate(*mesh_state->ca, spec, now));
    ASSIGN_OR_RETURN(auto content, pki::tlsSecretContent(issued, mesh_state->bundle));
    Json desired = pki::tlsSecretData(content);
    desired["apiVersion"] = "v1";
    desired["kind"] = "Secret";
    desired["metadata"] = {{"name", mesh.webhook.secret_name},
                           {"namespace", ns},
                           {"labels", {{kManagedByLabel, kManagedByValue}, {"paymesh.io/role", "webhook-serving"}}}};
    RETURN_IF_ERROR(write(res::kSecrets, ns, desired, secret, obs::WriteKind::kSecret, "secret"));
    plan = planWebhookCertificate(mesh, &desired, *mesh_state->ca, mesh_state->bundle, now);
  } else if (plan.update_bundle) {
    RETURN_IF_ERROR(write(res::kSecrets, ns, withTrustBundle(*secret, mesh_state->bundle), secret,
                          obs::WriteKind::kSecret, "secret"));
  }
  // The injector's caBundle follows the trust bundle (old and new CA during a rotation).
  auto config = client_.get(res::kMutatingWebhookConfigurations, "", mesh.webhook.configuration_name);
  if (config.isOk()) {
    if (auto patch = caBundlePatch(*config, mesh_state->bundle.caBundle())) {
      if (!mayWrite()) return unavailable("not the leader: write skipped");
      auto patched = client_.patch(res::kMutatingWebhookConfigurations, "", mesh.webhook.configuration_name,
                                   kube::PatchType::kJsonPatch, *patch);
      if (!patched.isOk()) return patched.status();
    }
  } else if (!kube::isNotFound(config.status())) {
    return config.status();
  }
  // Look again at the renewal time, and at least every minute (the configuration may be
  // installed after the operator starts).
  Action action;
  action.requeue_after = std::min(realDelay(plan.next_check, now), std::chrono::milliseconds(60000));
  return action;
}

}  // namespace paymesh::ctrl

namespace paymesh::ctrl {

Result<Action> Reconciler::reconcileMeshCa() {
  MeshStatePtr mesh_state = mesh();
  if (!mesh_state) return failedPrecondition("no mesh config loaded");
  const model::MeshConfig& mesh = mesh_state->mesh;
  pki::TimePoint now = options_.now();
  // Events about the CA go on its Secret, as written (the uid names this incarnation).
  auto caEvent = [&](const Json& written, const char* type, const std::string& reason, const std::string& message) {
    recordEventOn({{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"name", mesh.ca.secret_name},
                   {"namespace", mesh.ca.namespace_},
                   {"uid", written["metadata"].value("uid", "")}},
                  mesh.ca.namespace_, type, reason, message);
  };
  auto secret = client_.get(res::kSecrets, mesh.ca.namespace_, mesh.ca.secret_name);
  if (kube::isNotFound(secret.status()) && !mesh.ca.existing && mesh_state->ca) {
    // Deleted while in use: put back the CA that signed every live leaf (its key is here),
    // rather than a new one that nothing trusts. A rotation in progress restarts as Active.
    if (!mayWrite()) return unavailable("not the leader: write skipped");
    secret =
        client_.create(res::kSecrets, mesh.ca.namespace_, caSecretObject(mesh, *mesh_state->ca, mesh_state->bundle));
    if (secret.isOk()) {
      if (metrics_) metrics_->wrote(obs::WriteKind::kSecret);
      obs::logWarn("mesh CA Secret was deleted: restored from the running operator",
                   {{"secret", mesh.ca.namespace_ + "/" + mesh.ca.secret_name}});
      caEvent(*secret, "Warning", "MeshCaRestored", "the mesh CA Secret was deleted; restored with the CA in use");
    }
  }
  if (!secret.isOk()) return secret.status();  // the loaded CA stays in use; retried with backoff
  ASSIGN_OR_RETURN(auto view, readCaSecret(*secret, caSecretWhere(mesh), now));
  // An existing CA is only followed: whoever manages it rotates it. Look again every minute.
  pki::TimePoint next_check = now + std::chrono::minutes(1);
  if (!mesh.ca.existing) {
    pki::CaRotationObservation observed;
    if (view.rotation.phase != pki::CaPhase::kActive) {
      // What the peers hold: the TLS Secrets paymesh wrote and the injector's caBundle.
      std::vector<kube::ObjectPtr> keep;
      std::vector<const Json*> leaves;
      for (const auto& key : caches_.secrets.keys()) {
        auto obj = caches_.secrets.get(key);
        if (!obj) continue;
        const Json& labels = (*obj)["metadata"].value("labels", Json::object());
        if (!labels.is_object() ||
            !(labels.contains(model::kServiceLabel) || labels.value("paymesh.io/role", "") == "webhook-serving"))
          continue;
        keep.push_back(obj);
        leaves.push_back(obj.get());
      }
      bool webhook_current = true;
      auto config = client_.get(res::kMutatingWebhookConfigurations, "", mesh.webhook.configuration_name);
      if (config.isOk())
        webhook_current = !caBundlePatch(*config, view.bundle.caBundle()).has_value();
      else if (!kube::isNotFound(config.status()))
        return config.status();
      observed = observeCaRotation(view, leaves, webhook_current, now);
    }
    ASSIGN_OR_RETURN(auto plan, planCaRotation(view, caRotationConfig(mesh.ca.rotation_overlap), observed, now,
                                               [&] { return createMeshCa(mesh, now); }));
    if (plan.write) {
      if (!mayWrite()) return unavailable("not the leader: write skipped");
      // Conditional on the resourceVersion read: a concurrent change makes this a conflict.
      auto updated = client_.update(res::kSecrets, caSecretFor(*secret, plan.next));
      if (!updated.isOk()) return updated.status();
      if (metrics_) metrics_->wrote(obs::WriteKind::kSecret);
      if (!plan.event.empty()) {
        obs::logInfo(plan.event, {{"secret", mesh.ca.namespace_ + "/" + mesh.ca.secret_name},
                                  {"phase", pki::caPhaseName(plan.next.rotation.phase)}});
        caEvent(*updated, "Normal", std::string("MeshCa") + pki::caPhaseName(plan.next.rotation.phase), plan.event);
      }
    }
    view = std::move(plan.next);
    next_check = std::min(next_check, plan.next_check);
  }
  if (metrics_)
    metrics_->setMeshCa(pki::caPhaseName(view.rotation.phase),
                        std::chrono::duration<double>(view.signing.certificate().notAfter() - now).count());
  if (caIdentity(view) != mesh_state->ca_identity) {
    obs::logInfo(
        "mesh CA changed: every certificate is checked again",
        {{"secret", mesh.ca.namespace_ + "/" + mesh.ca.secret_name}, {"phase", pki::caPhaseName(view.rotation.phase)}});
    setMesh(meshStateFrom(mesh, view));
  }
  Action action;
  action.requeue_after = std::min(realDelay(next_check, now), std::chrono::milliseconds(60000));
  return action;
}

}  // namespace paymesh::ctrl
