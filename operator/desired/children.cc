#include "operator/desired/children.h"

#include <algorithm>
#include <map>

#include "base/base64.h"
#include "base/duration.h"
#include "base/json_fields.h"
#include "base/saturating_time.h"
#include "base/time_format.h"
#include "pki/issue.h"
#include "pki/key.h"
#include "pki/spiffe.h"
#include "policy/names.h"
#include "policy/sidecar_config.h"

namespace paymesh::ctrl {

namespace f = fields;
using OrderedJson = nlohmann::ordered_json;

OrderedJson ownerReference(const model::PaymentService& service) {
  return {{f::kApiVersion, model::kApiVersion}, {f::kKind, model::kKind}, {f::kName, service.metadata.name},
          {f::kUid, service.metadata.uid},      {"controller", true},     {"blockOwnerDeletion", true}};
}

OrderedJson childMetadata(const model::PaymentService& service, const std::string& name,
                          const OrderedJson& annotations) {
  OrderedJson meta = {
      {f::kName, name},
      {f::kNamespace, service.metadata.namespace_},
      {f::kLabels, {{kManagedByLabel, kManagedByValue}, {model::kServiceLabel, service.metadata.name}}}};
  if (!annotations.is_null()) meta[f::kAnnotations] = annotations;
  if (!service.metadata.uid.empty()) meta[f::kOwnerReferences] = OrderedJson::array({ownerReference(service)});
  return meta;
}

Json operatorSecretMetadata(const std::string& ns, const std::string& name, const std::string& role) {
  return {
      {f::kName, name}, {f::kNamespace, ns}, {f::kLabels, {{kManagedByLabel, kManagedByValue}, {kRoleLabel, role}}}};
}

bool isLeafSecret(const Json& secret) {
  const Json& labels = secret.value(f::kMetadata, Json::object()).value(f::kLabels, Json::object());
  return labels.is_object() &&
         (labels.contains(model::kServiceLabel) || labels.value(kRoleLabel, "") == kRoleWebhookServing);
}

namespace {

// The files as a ConfigMap holds them: text in data, bytes (policy::isBinaryFile) in
// binaryData, base64 there as the API requires.
void putFiles(OrderedJson& object, const std::map<std::string, std::string>& files) {
  OrderedJson data = OrderedJson::object();
  OrderedJson binary = OrderedJson::object();
  for (const auto& [name, content] : files) {
    if (policy::isBinaryFile(name)) {
      binary[name] = base64Encode(content);
    } else {
      data[name] = content;
    }
  }
  object[f::kData] = std::move(data);
  if (!binary.empty()) object[kBinaryData] = std::move(binary);
}

}  // namespace

OrderedJson configMapObject(const model::PaymentService& service, const std::map<std::string, std::string>& files,
                            const std::string& config_hash) {
  OrderedJson object = {{f::kApiVersion, "v1"},
                        {f::kKind, "ConfigMap"},
                        {f::kMetadata, childMetadata(service, policy::configMapName(service.metadata.name),
                                                     {{policy::kConfigHashAnnotation, config_hash}})}};
  putFiles(object, files);
  return object;
}

OrderedJson configShardObject(const model::PaymentService& service, int n,
                              const std::map<std::string, std::string>& files) {
  OrderedJson object = {
      {f::kApiVersion, "v1"},
      {f::kKind, "ConfigMap"},
      {f::kMetadata, childMetadata(service, policy::configShardName(service.metadata.name, n), nullptr)}};
  putFiles(object, files);
  return object;
}

namespace {

void addTextFiles(const Json& data, std::map<std::string, std::string>& files) {
  if (!data.is_object()) return;
  for (auto it = data.begin(); it != data.end(); ++it)
    files[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
}

}  // namespace

std::string configMapDataHash(const Json& data) {
  std::map<std::string, std::string> files;
  addTextFiles(data, files);
  return policy::configHash(files);
}

std::string configMapFilesHash(const Json& object) {
  std::map<std::string, std::string> files;
  if (auto data = object.find(f::kData); data != object.end()) addTextFiles(*data, files);
  if (auto binary = object.find(kBinaryData); binary != object.end() && binary->is_object()) {
    for (auto it = binary->begin(); it != binary->end(); ++it) {
      auto bytes = it.value().is_string() ? base64Decode(it.value().get<std::string>())
                                          : Result<std::string>(invalidArgument("not a string"));
      if (!bytes.isOk()) return "unreadable binaryData";  // never equal to a desired digest
      files[it.key()] = std::move(*bytes);
    }
  }
  return policy::configHash(files);
}

void trimConfigMap(Json& object) {
  if (object.contains("metadata") && object["metadata"].is_object()) {
    object["metadata"].erase("managedFields");
    if (object["metadata"].contains("annotations") && object["metadata"]["annotations"].is_object())
      object["metadata"]["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
  }
  object[kDataHashField] = configMapFilesHash(object);
  object.erase(f::kData);
  object.erase(kBinaryData);
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

bool configMapUpToDate(const Json& desired, const std::string& data_hash, const Json& cached_trimmed) {
  if (cached_trimmed.value(kDataHashField, "") != data_hash) return false;
  if (!subsetOf(metaField(desired, "labels"), metaField(cached_trimmed, "labels"))) return false;
  if (!subsetOf(metaField(desired, "annotations"), metaField(cached_trimmed, "annotations"))) return false;
  const Json& want_owners = metaField(desired, "ownerReferences");
  const Json& have_owners = metaField(cached_trimmed, "ownerReferences");
  if (want_owners.is_null()) return true;
  return want_owners == have_owners;
}

Json ownedMetadata(const Json& desired) {
  Json owned = Json::object();
  for (const char* field : {f::kLabels, f::kAnnotations}) {
    const Json& set = metaField(desired, field);
    owned[field] = set.is_object() ? set : Json::object();
  }
  return owned;
}

std::string echoFingerprint(ChildKind kind, const Json& object, const Json& owned) {
  // Named parts, digested length-prefixed: a part missing differs from any value of it.
  std::map<std::string, std::string> parts;
  parts["data"] = kind == ChildKind::kConfigMap ? object.value(kDataHashField, "")
                                                : configMapDataHash(object.value(f::kData, Json::object()));
  if (object.contains("type")) parts["type"] = object["type"].dump();
  for (const char* field : {f::kLabels, f::kAnnotations}) {
    const Json& have = metaField(object, field);
    const Json want = owned.value(field, Json::object());
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (!have.is_object() || !have.contains(it.key())) continue;
      parts[std::string(field) + "/" + it.key()] = have[it.key()].dump();
    }
  }
  const Json& owners = metaField(object, f::kOwnerReferences);
  parts["owners"] = owners.is_null() ? "[]" : owners.dump();
  return policy::configHash(parts);
}

std::string configMapFingerprint(const Json& desired, const std::string& data_hash) {
  Json digested = {{f::kMetadata, desired.value(f::kMetadata, Json::object())}, {kDataHashField, data_hash}};
  return echoFingerprint(ChildKind::kConfigMap, digested, ownedMetadata(desired));
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
  const Json& annotations = metaField(secret, f::kAnnotations);
  if (!annotations.is_object()) return std::nullopt;
  auto not_after = parseRfc3339(annotations.value(kReplacedNotAfterAnnotation, ""));
  auto at = parseRfc3339(annotations.value(kReplacedAtAnnotation, ""));
  if (!not_after || !at) return std::nullopt;
  return ReplacedCertificate{*not_after, *at};
}

Json tlsSecretObject(const model::PaymentService& service, const pki::TlsSecretContent& content,
                     const std::optional<ReplacedCertificate>& replaced) {
  Json out = pki::tlsSecretData(content);
  out[f::kApiVersion] = "v1";
  out[f::kKind] = "Secret";
  OrderedJson annotations = nullptr;
  if (replaced)
    annotations = {{kReplacedNotAfterAnnotation, pki::formatTime(replaced->not_after)},
                   {kReplacedAtAnnotation, pki::formatTime(replaced->replaced_at)}};
  out[f::kMetadata] = Json(childMetadata(service, policy::tlsSecretName(service.metadata.name), annotations));
  return out;
}

MountedExpiry mountedExpiry(pki::TimePoint current_not_after, const std::optional<ReplacedCertificate>& replaced,
                            std::chrono::seconds propagation_delay, pki::TimePoint now) {
  if (!replaced || now >= replaced->replaced_at + propagation_delay) return {current_not_after, std::nullopt};
  return {std::min(current_not_after, replaced->not_after), replaced->replaced_at + propagation_delay};
}

Result<IssuedSecret> issueTlsSecret(const model::PaymentService& service, const model::MeshConfig& mesh,
                                    const pki::CertificateAuthority& ca, const pki::TrustBundle& bundle,
                                    pki::TimePoint now, const std::optional<ReplacedCertificate>& replaced) {
  const auto& cert = service.spec.tls.certificate;
  ASSIGN_OR_RETURN(auto spec, pki::workloadLeafSpec(workloadIdentity(service, mesh),
                                                    std::chrono::duration_cast<std::chrono::seconds>(cert.duration),
                                                    cert.key_algorithm));
  ASSIGN_OR_RETURN(auto issued, pki::issueCertificate(ca, spec, now));
  ASSIGN_OR_RETURN(auto content, pki::tlsSecretContent(issued, bundle));
  return IssuedSecret{tlsSecretObject(service, content, replaced), issued.certificate};
}

Json updatedTlsSecret(const model::PaymentService& service, const Json& current, const pki::TrustBundle& bundle) {
  Json out = withTrustBundle(current, bundle);
  Json meta(childMetadata(service, policy::tlsSecretName(service.metadata.name)));
  const Json& labels = meta[f::kLabels];
  for (auto it = labels.begin(); it != labels.end(); ++it) out[f::kMetadata][f::kLabels][it.key()] = it.value();
  if (meta.contains(f::kOwnerReferences)) out[f::kMetadata][f::kOwnerReferences] = meta[f::kOwnerReferences];
  return out;
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
  std::string want_uri =
      pki::workloadSpiffeId(mesh.trust_domain, service.metadata.namespace_, service.spec.service_account);
  auto uris = leaf.uris();
  if (uris.size() != 1 || uris[0] != want_uri) return issue("identity changed");
  auto have_alg = material->key.algorithm();
  if (have_alg.isOk() && *have_alg != service.spec.tls.certificate.key_algorithm) return issue("key algorithm changed");
  auto previous = plan.previous_not_after;
  plan = keepCertificate(service, mesh, leaf, replacedCertificate(*current_secret), ca, now);
  if (plan.action == CertificatePlan::Action::kIssue) {
    plan.previous_not_after = previous;
    return plan;
  }
  Json want(childMetadata(service, policy::tlsSecretName(service.metadata.name)));
  bool owners_ok = !want.contains(f::kOwnerReferences) ||
                   metaField(*current_secret, f::kOwnerReferences) == want[f::kOwnerReferences];
  if (material->bundle.toPem() != bundle.toPem()) {
    plan.action = CertificatePlan::Action::kUpdate;
    plan.reason = "trust bundle changed";
  } else if (!subsetOf(want[f::kLabels], metaField(*current_secret, f::kLabels)) || !owners_ok) {
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

std::string certificateTimingProblem(const model::PaymentService& service, const model::MeshConfig& mesh) {
  const auto& cert = service.spec.tls.certificate;
  auto lead = cert.renew_before ? *cert.renew_before : cert.duration / 3;
  if (lead > mesh.ca.secret_propagation_delay) return "";
  std::string field = cert.renew_before ? "spec.tls.certificate.renewBefore (" + formatDuration(lead) + ")"
                                        : "a third of spec.tls.certificate.duration (" + formatDuration(lead) + ")";
  return field + " must be longer than the mesh's ca.secretPropagationDelay (" +
         formatDuration(mesh.ca.secret_propagation_delay) +
         "): sidecars would present an expired certificate until the kubelet mounts the renewed one";
}

std::chrono::milliseconds requeueDelay(pki::TimePoint next_check, pki::TimePoint now) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(saturatingSub(next_check, now));
  return std::max(d, std::chrono::milliseconds(1000));
}

}  // namespace paymesh::ctrl
