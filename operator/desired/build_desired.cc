#include "operator/desired/build_desired.h"

#include "auth/jwks.h"
#include "operator/desired/children.h"
#include "operator/desired/object_limits.h"
#include "pki/certificate.h"
#include "policy/names.h"
#include "policy/sidecar_config.h"

namespace paymesh::ctrl {

using model::PaymentService;

const PaymentService* NamespaceView::find(const std::string& name) const {
  auto it = space_.services.find(name);
  return it == space_.services.end() ? nullptr : &it->second;
}

std::vector<model::ServiceEndpoint> NamespaceView::endpoints(const PaymentService& service) const {
  auto it = space_.endpoints.find(service.metadata.name);
  return it == space_.endpoints.end() ? std::vector<model::ServiceEndpoint>{} : it->second;
}

const nlohmann::json* NamespaceView::jwksObject(model::JwksSourceKind kind, const std::string& name) const {
  const auto& objects = kind == model::JwksSourceKind::kSecret ? space_.secrets : space_.config_maps;
  auto it = objects.find(name);
  return it == objects.end() ? nullptr : &it->second;
}

namespace {

using ServiceMap = std::map<std::string, const PaymentService*>;

// The services the sidecar config reads: itself, its dependencies, their fallbacks, and
// its allowed callers (whose service accounts the inbound RBAC names).
ServiceMap servicesRead(const PaymentService& self, const ServiceView& view) {
  ServiceMap out = {{self.metadata.name, &self}};
  auto add = [&](const std::string& name) -> const PaymentService* {
    if (auto it = out.find(name); it != out.end()) return it->second;
    const PaymentService* found = view.find(name);
    if (found) out[name] = found;
    return found;
  };
  for (const auto& dep : self.spec.dependencies) {
    const PaymentService* target = add(dep.name);
    if (target && target->spec.resilience.fallback_service) add(*target->spec.resilience.fallback_service);
  }
  for (const auto& caller : self.spec.allowed_callers) add(caller);
  return out;
}

// Endpoints of the services whose clusters the config holds: itself, its dependencies
// and their fallbacks (the callers' are not read).
std::map<std::string, std::vector<model::ServiceEndpoint>> endpointsRead(const PaymentService& self,
                                                                         const ServiceMap& services,
                                                                         const ServiceView& view) {
  std::map<std::string, std::vector<model::ServiceEndpoint>> out;
  auto add = [&](const std::string& name) {
    auto it = services.find(name);
    if (it == services.end() || out.count(name)) return;
    auto eps = view.endpoints(*it->second);
    if (!eps.empty()) out[name] = std::move(eps);
  };
  add(self.metadata.name);
  for (const auto& dep : self.spec.dependencies) {
    add(dep.name);
    if (auto it = services.find(dep.name); it != services.end() && it->second->spec.resilience.fallback_service)
      add(*it->second->spec.resilience.fallback_service);
  }
  return out;
}

// The JWKS of each provider with a local source, checked: a missing or malformed one
// stops the render (the ConfigMap keeps its last good keys) and says why in the status.
bool collectJwks(const PaymentService& self, const ServiceView& view, policy::RenderInputs& render, Desired& out) {
  if (!self.spec.jwt) return true;
  for (const auto& p : self.spec.jwt->providers) {
    if (p.jwks.kind == model::JwksSourceKind::kRemote) continue;
    std::string where = std::string(model::toString(p.jwks.kind)) + " " + self.metadata.namespace_ + "/" + p.jwks.name;
    auto fail = [&](const char* reason, const std::string& why) {
      out.observed.config_reason = reason;
      out.observed.config_error = "provider " + p.name + ": " + why;
      return false;
    };
    const nlohmann::json* object = view.jwksObject(p.jwks.kind, p.jwks.name);
    if (!object) return fail("JwksNotFound", where + " not found (it must carry the label " + model::kJwksLabel + ")");
    auto text = auth::jwksFromObject(*object, p.jwks);
    if (!text.isOk()) return fail("JwksNotFound", text.status().message());
    auto keys = auth::parseJwks(*text);
    if (!keys.isOk()) return fail("JwksInvalid", where + " key " + p.jwks.key + ": " + keys.status().message());
    // Compact: the same keys give the same bytes, however the object spaces them.
    render.jwks[p.name] = nlohmann::json::parse(*text).dump();
  }
  return true;
}

void renderConfig(const policy::RenderInputs& render, Desired& out) {
  auto rendered = policy::renderSidecarConfig(render);
  if (!rendered.isOk()) {
    out.observed.config_error = "render failed: " + rendered.status().message();
    return;
  }
  out.observed.missing = rendered->missing;
  out.observed.without_endpoints = rendered->without_endpoints;
  out.observed.notes = rendered->notes;
  const auto& self = render.self->metadata;
  ConfigLayout layout = layOutConfig(self.namespace_ + "/" + policy::configMapName(self.name), rendered->files);
  if (!layout.problem.empty()) {  // the API server would refuse it: nothing of it is in force
    out.observed.config_reason = kConfigTooLarge;
    out.observed.config_error = std::move(layout.problem);
    return;
  }
  out.observed.config_ok = true;
  out.observed.ring_checksum = rendered->ring_checksum;
  out.observed.config_hash = rendered->config_hash;
  out.config_hash = rendered->config_hash;
  out.config_map_data_hash = layout.shards.empty() ? rendered->config_hash : policy::configHash(layout.main);
  out.config_map = configMapObject(*render.self, layout.main, rendered->config_hash);
  out.config_shards.resize(policy::kConfigShards);
  for (int n = 0; n < static_cast<int>(layout.shards.size()); ++n) {
    if (layout.shards[n].empty()) continue;
    auto& shard = out.config_shards[static_cast<size_t>(n)];
    shard.config_map = configShardObject(*render.self, n, layout.shards[n]);
    shard.data_hash = policy::configHash(layout.shards[n]);
  }
}

// The certificate: kept while valid for the identity and signed by the current CA,
// rewritten around the same key when only ca.crt, labels or owner are off, else issued.
void planSecret(const DesiredInputs& in, Desired& out) {
  const Signer& signer = *in.signer;
  CertificatePlan plan = planCertificate(in.service, in.mesh, in.secret, signer.ca, signer.bundle, in.now);
  out.secret_reason = plan.reason;
  if (plan.action == CertificatePlan::Action::kUpdate) {
    out.secret = updatedTlsSecret(in.service, *in.secret, signer.bundle);
  } else if (plan.action == CertificatePlan::Action::kIssue) {
    // A renewal notes the certificate it replaces: sidecars may present it until the
    // kubelet has mounted the new one (mountedExpiry).
    std::optional<ReplacedCertificate> replaced;
    if (plan.previous_not_after) replaced = ReplacedCertificate{*plan.previous_not_after, in.now};
    auto issued = issueTlsSecret(in.service, in.mesh, signer.ca, signer.bundle, in.now, replaced);
    if (!issued.isOk()) {
      out.observed.certificate_error = "issue failed: " + issued.status().message();
      return;
    }
    out.secret = std::move(issued->secret);
    out.issued = true;
    // Planned from the leaf in hand: reading back the Secret just built would re-parse its key.
    plan = keepCertificate(in.service, in.mesh, issued->leaf, replaced, signer.ca, in.now);
    if (plan.action == CertificatePlan::Action::kIssue) {  // due at once (renewBefore >= duration)
      plan.not_after = issued->leaf.notAfter();
      plan.mounted_not_after = replaced ? std::min(plan.not_after, replaced->not_after) : plan.not_after;
      plan.next_check = in.now;
    }
  }
  // A timing that cannot be kept is said, while the certificate is still issued and renewed.
  std::string timing = certificateTimingProblem(in.service, in.mesh);
  out.observed.certificate_ok = timing.empty();
  if (!timing.empty()) {
    out.observed.certificate_error = timing;
    out.observed.certificate_reason = "RenewalTooLate";
  }
  out.observed.certificate_not_after = pki::formatTime(plan.not_after);
  out.observed.mounted_certificate_not_after = pki::formatTime(plan.mounted_not_after);
  out.not_after = plan.mounted_not_after;
  out.next_check = plan.next_check;
}

}  // namespace

Desired buildDesired(const DesiredInputs& in) {
  const PaymentService& self = in.service;
  Desired out;
  out.observed.generation = self.metadata.generation;
  out.observed.uses_ring = self.spec.lb_policy == model::LbPolicy::kConsistentHash;
  policy::RenderInputs render;
  render.self = &self;
  render.services = servicesRead(self, in.view);
  render.endpoints = endpointsRead(self, render.services, in.view);
  render.mesh = &in.mesh;
  if (auto it = render.endpoints.find(self.metadata.name); it != render.endpoints.end())
    out.observed.endpoints = static_cast<int64_t>(model::readyEndpoints(it->second).size());
  if (collectJwks(self, in.view, render, out)) renderConfig(render, out);
  if (in.signer) planSecret(in, out);
  out.status = computeStatus(out.observed, self.status, pki::formatTime(in.now));
  return out;
}

Desired buildDesiredForInvalidSpec(int64_t generation, const std::string& errors, pki::TimePoint now) {
  Desired out;
  out.observed.generation = generation;
  out.observed.config_error = "invalid spec: " + errors;
  out.observed.certificate_error = "not issued: invalid spec";
  out.status = computeStatus(out.observed, {}, pki::formatTime(now));
  return out;
}

}  // namespace paymesh::ctrl
