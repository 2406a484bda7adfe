#include "operator/controller/mesh_ca.h"

#include <algorithm>
#include <thread>

#include "base/base64.h"
#include "kube/errors.h"
#include "kube/leader_gated_client.h"
#include "obs/log.h"
#include "operator/desired/children.h"
#include "pki/certificate.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;

Json caSecretObject(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca,
                    const pki::TrustBundle& bundle) {
  Json base = {{"apiVersion", "v1"},
               {"kind", "Secret"},
               {"metadata", operatorSecretMetadata(mesh.ca.namespace_, mesh.ca.secret_name, kRoleMeshCa)}};
  CaSecretView view{ca, std::nullopt, bundle, pki::initialCaState(ca.id(), ca.certificate().notBefore())};
  if (view.bundle.empty()) view.bundle.add(ca.certificate());
  return caSecretFor(base, view);
}

std::string caSecretWhere(const model::MeshConfig& mesh) {
  return "mesh CA Secret " + mesh.ca.namespace_ + "/" + mesh.ca.secret_name;
}

std::string caIdentity(const CaSecretView& view) { return view.signing.id() + "|" + view.bundle.toPem(); }

MeshStatePtr meshStateFrom(const model::MeshConfig& mesh, const CaSecretView& view) {
  auto state = std::make_shared<MeshState>();
  state->mesh = mesh;
  state->ca = view.signing;
  state->bundle = view.bundle;
  state->ca_identity = caIdentity(view);
  return state;
}

Result<pki::CertificateAuthority> createMeshCa(const model::MeshConfig& mesh, pki::TimePoint now) {
  pki::CaOptions options;
  options.key_algorithm = mesh.ca.key_algorithm;
  options.duration = std::chrono::duration_cast<std::chrono::seconds>(mesh.ca.duration);
  options.common_name = "paymesh mesh CA (" + mesh.trust_domain + ")";
  return pki::CertificateAuthority::create(options, now);
}

namespace {

Result<MeshStatePtr> fromSecret(const model::MeshConfig& mesh, const Json& secret, pki::TimePoint now) {
  ASSIGN_OR_RETURN(auto view, readCaSecret(secret, caSecretWhere(mesh), now));
  return meshStateFrom(mesh, view);
}

// An operator-created CA that has expired (the operator was down through its whole
// rotation) can only be replaced: nothing it signed verifies any more, and waiting
// changes nothing. A CA managed elsewhere, or a Secret paymesh did not write, is left alone.
bool expiredOwnCa(const model::MeshConfig& mesh, const Json& secret, pki::TimePoint now) {
  if (mesh.ca.existing) return false;
  const Json& labels = secret.value("metadata", Json::object()).value("labels", Json::object());
  if (!labels.is_object() || labels.value(kManagedByLabel, "") != kManagedByValue ||
      labels.value(kRoleLabel, "") != kRoleMeshCa)
    return false;
  const Json& data = secret.value("data", Json::object());
  if (!data.is_object() || !data.contains(pki::kTlsCertKey) || !data[pki::kTlsCertKey].is_string()) return false;
  auto pem = base64Decode(data[pki::kTlsCertKey].get<std::string>());
  auto certs = pem.isOk() ? pki::parsePemCertificates(*pem) : Result<std::vector<pki::Certificate>>(pem.status());
  return certs.isOk() && !certs->empty() && certs->front().notAfter() < now;
}

Result<MeshStatePtr> replaceExpiredCa(kube::Client& client, const model::MeshConfig& mesh, const Json& secret,
                                      pki::TimePoint now) {
  ASSIGN_OR_RETURN(auto ca, createMeshCa(mesh, now));
  Json fresh = caSecretObject(mesh, ca);
  fresh["metadata"]["resourceVersion"] = secret["metadata"].value("resourceVersion", "");  // conditional
  ASSIGN_OR_RETURN(Json updated, client.update(kube::resources::kSecrets, fresh));
  obs::logError("mesh CA had expired: replaced by a new CA; every workload certificate is reissued",
                {{"secret", caSecretWhere(mesh)}});
  return fromSecret(mesh, updated, now);
}

}  // namespace

Result<MeshStatePtr> ensureMeshCa(kube::Client& client, const model::MeshConfig& mesh, pki::TimePoint now) {
  const auto& secrets = kube::resources::kSecrets;
  Status last = unavailable("mesh CA Secret: could not read or create it");
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50) * (1 << std::min(attempt, 5)));
    auto got = client.get(secrets, mesh.ca.namespace_, mesh.ca.secret_name);
    if (got.isOk() && expiredOwnCa(mesh, *got, now)) {
      auto replaced = replaceExpiredCa(client, mesh, *got, now);
      if (replaced.isOk() || kube::isNotLeader(replaced.status())) return replaced;
      last = replaced.status();  // a conflict: another replica replaced it, read theirs
      continue;
    }
    if (got.isOk()) return fromSecret(mesh, *got, now);
    if (!kube::isNotFound(got.status())) {
      last = got.status();  // transient (500, 429, transport): try again
      continue;
    }
    if (mesh.ca.existing)
      return notFound(caSecretWhere(mesh) + " not found (ca.existing is true: it is managed outside paymesh)");
    ASSIGN_OR_RETURN(auto ca, createMeshCa(mesh, now));
    auto created = client.create(secrets, mesh.ca.namespace_, caSecretObject(mesh, ca));
    if (created.isOk()) return fromSecret(mesh, *created, now);
    if (kube::isNotLeader(created.status())) return created.status();
    // AlreadyExists: another replica created it first, read theirs; else transient.
    last = created.status();
  }
  return last;
}

}  // namespace paymesh::ctrl
