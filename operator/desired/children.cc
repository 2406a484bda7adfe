#include "operator/desired/children.h"

#include <algorithm>
#include <map>

#include "base/base64.h"
#include "base/time_format.h"
#include "pki/issue.h"
#include "pki/key.h"
#include "policy/names.h"
#include "policy/sidecar_config.h"

namespace paymesh::ctrl {

Json ownerReference(const model::PaymentService& service) {
  return {{"apiVersion", model::kApiVersion}, {"kind", model::kKind}, {"name", service.metadata.name},
          {"uid", service.metadata.uid},      {"controller", true},   {"blockOwnerDeletion", true}};
}

void trimConfigMap(Json& object) {
  if (object.contains("metadata") && object["metadata"].is_object()) {
    object["metadata"].erase("managedFields");
    if (object["metadata"].contains("annotations") && object["metadata"]["annotations"].is_object())
      object["metadata"]["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
  }
  std::map<std::string, std::string> files;
  if (object.contains("data") && object["data"].is_object()) {
    for (auto it = object["data"].begin(); it != object["data"].end(); ++it)
      files[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  }
  object.erase("data");
  object[kDataHashField] = policy::configHash(files);
  if (object.contains("binaryData")) {
    object[kDataHashField] = "binary";  // never equal to a desired digest
    object.erase("binaryData");
  }
}

namespace {

bool subsetOf(const Json& want, const Json& have) {
  if (!want.is_object()) return true;
  if (!have.is_object()) return want.empty();
  for (auto it = want.begin(); it != want.end(); ++it) {
    auto h = have.find(it.key());
    if (h == have.end() || *h != it.value()) return false;
  }
  return true;
}

const Json& metaField(const Json& object, const char* field) {
  static const Json kNull;
  auto m = object.find("metadata");
  if (m == object.end() || !m->is_object()) return kNull;
  auto f = m->find(field);
  return f == m->end() ? kNull : *f;
}

}  // namespace

bool configMapUpToDate(const Json& desired, const Json& cached_trimmed) {
  std::map<std::string, std::string> files;
  for (auto it = desired.at("data").begin(); it != desired.at("data").end(); ++it)
    files[it.key()] = it.value().get<std::string>();
  if (cached_trimmed.value(kDataHashField, "") != policy::configHash(files)) return false;
  if (!subsetOf(metaField(desired, "labels"), metaField(cached_trimmed, "labels"))) return false;
  if (!subsetOf(metaField(desired, "annotations"), metaField(cached_trimmed, "annotations"))) return false;
  const Json& want_owners = metaField(desired, "ownerReferences");
  const Json& have_owners = metaField(cached_trimmed, "ownerReferences");
  if (want_owners.is_null()) return true;
  return want_owners == have_owners;
}

Json mergeForUpdate(const Json& desired, const Json& current) {
  Json out = desired;
  for (const char* field : {"labels", "annotations"}) {
    const Json& have = metaField(current, field);
    if (!have.is_object()) continue;
    Json merged = have;
    const Json want = desired["metadata"].value(field, Json::object());
    for (auto it = want.begin(); it != want.end(); ++it) merged[it.key()] = it.value();
    out["metadata"][field] = merged;
  }
  const Json& rv = metaField(current, "resourceVersion");
  if (rv.is_string()) out["metadata"]["resourceVersion"] = rv;
  return out;
}

std::optional<ReplacedCertificate> replacedCertificate(const Json& secret) {
  const Json& annotations = metaField(secret, "annotations");
  if (!annotations.is_object()) return std::nullopt;
  auto not_after = parseRfc3339(annotations.value(kReplacedNotAfterAnnotation, ""));
  auto at = parseRfc3339(annotations.value(kReplacedAtAnnotation, ""));
  if (!not_after || !at) return std::nullopt;
  return ReplacedCertificate{*not_after, *at};
}

Json tlsSecretObject(const model::PaymentService& service, const pki::TlsSecretContent& content,
                     const std::optional<ReplacedCertificate>& replaced) {
  Json out = pki::tlsSecretData(content);
  out["apiVersion"] = "v1";
  out["kind"] = "Secret";
  Json meta = {{"name", policy::tlsSecretName(service.metadata.name)},
               {"namespace", service.metadata.namespace_},
               {"labels", {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, service.metadata.name}}}};
  if (replaced)
    meta["annotations"] = {{kReplacedNotAfterAnnotation, pki::formatTime(replaced->not_after)},
                           {kReplacedAtAnnotation, pki::formatTime(replaced->replaced_at)}};
  if (!service.metadata.uid.empty()) meta["ownerReferences"] = Json::array({ownerReference(service)});
  out["metadata"] = meta;
  return out;
}

MountedExpiry mountedExpiry(pki::TimePoint current_not_after, const std::optional<ReplacedCertificate>& replaced,
                            std::chrono::seconds propagation_delay, pki::TimePoint now) {
  if (!replaced || now >= replaced->replaced_at + propagation_delay) return {current_not_after, std::nullopt};
  return {std::min(current_not_after, replaced->not_after), replaced->replaced_at + propagation_delay};
}

pki::WorkloadIdentity workloadIdentity(const model::PaymentService& service, const model::MeshConfig& mesh) {
  return {mesh.trust_domain, service.metadata.namespace_, service.spec.service_account, service.metadata.name};
}

Json withTrustBundle(Json secret, const pki::TrustBundle& bundle) {
  secret["data"][pki::kCaCertKey] = base64Encode(bundle.toPem());
  return secret;
}

CertificatePlan planCertificate(const model::PaymentService& service, const model::MeshConfig& mesh,
                                const Json* current_secret, const pki::CertificateAuthority& ca,
                                const pki::TrustBundle& bundle, pki::TimePoint now) {
  CertificatePlan plan;
  auto issue = [&](std::string reason) {
    plan.action = CertificatePlan::Action::kIssue;
    plan.reason = std::move(reason);
    return plan;
  };
  if (current_secret == nullptr) return issue("missing");
  auto material = pki::readTlsSecret(*current_secret);
  if (!material.isOk()) return issue("unreadable: " + material.status().message());
  const pki::Certificate& leaf = material->leaf();
  plan.previous_not_after = leaf.notAfter();
  std::string want_uri = policy::spiffeId(mesh.trust_domain, service.metadata.namespace_, service.spec.service_account);
  auto uris = leaf.uris();
  if (uris.size() != 1 || uris[0] != want_uri) return issue("identity changed");
  auto want_alg = pki::parseKeyAlgorithm(model::toString(service.spec.tls.certificate.key_algorithm));
  auto have_alg = material->key.algorithm();
  if (want_alg.isOk() && have_alg.isOk() && *want_alg != *have_alg) return issue("key algorithm changed");
  auto previous = plan.previous_not_after;
  plan = keepCertificate(service, mesh, leaf, replacedCertificate(*current_secret), ca, now);
  if (plan.action == CertificatePlan::Action::kIssue) {
    plan.previous_not_after = previous;
    return plan;
  }
  const Json& labels = metaField(*current_secret, "labels");
  Json want_labels = {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, service.metadata.name}};
  bool owners_ok = service.metadata.uid.empty() ||
                   metaField(*current_secret, "ownerReferences") == Json::array({ownerReference(service)});
  if (material->bundle.toPem() != bundle.toPem()) {
    plan.action = CertificatePlan::Action::kUpdate;
    plan.reason = "trust bundle changed";
  } else if (!subsetOf(want_labels, labels) || !owners_ok) {
    plan.action = CertificatePlan::Action::kUpdate;
    plan.reason = "metadata";
  }
  return plan;
}

CertificatePlan keepCertificate(const model::PaymentService& service, const model::MeshConfig& mesh,
                                const pki::Certificate& leaf, const std::optional<ReplacedCertificate>& replaced,
                                const pki::CertificateAuthority& ca, pki::TimePoint now) {
  CertificatePlan plan;
  std::optional<std::chrono::seconds> renew_before;
  if (service.spec.tls.certificate.renew_before)
    renew_before = std::chrono::duration_cast<std::chrono::seconds>(*service.spec.tls.certificate.renew_before);
  auto decision = pki::decideCertificateRenewal(leaf, renew_before, now, &ca.certificate());
  if (decision.renew) {
    plan.action = CertificatePlan::Action::kIssue;
    plan.reason = decision.reason;
    return plan;
  }
  plan.not_after = leaf.notAfter();
  plan.next_check = decision.next_check;
  auto mounted = mountedExpiry(leaf.notAfter(), replaced,
                               std::chrono::ceil<std::chrono::seconds>(mesh.ca.secret_propagation_delay), now);
  plan.mounted_not_after = mounted.not_after;
  if (mounted.changes_at) plan.next_check = std::min(plan.next_check, *mounted.changes_at);
  return plan;
}

std::chrono::milliseconds requeueDelay(pki::TimePoint next_check, pki::TimePoint now) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(next_check - now);
  return std::max(d, std::chrono::milliseconds(1000));
}

}  // namespace paymesh::ctrl
