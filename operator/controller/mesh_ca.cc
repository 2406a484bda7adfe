#include "operator/controller/mesh_ca.h"

#include <algorithm>
#include <thread>

#include "base/base64.h"
#include "kube/errors.h"
#include "operator/desired/children.h"
#include "pki/tls_secret.h"

namespace paymesh::ctrl {

using Json = nlohmann::json;

Json caSecretObject(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca) {
  pki::TlsSecretContent content;
  content.tls_crt = ca.certificate().toPem();
  auto key = ca.key().toPkcs8Pem();
  content.tls_key = key.isOk() ? *key : "";
  content.ca_crt = ca.certificate().toPem();
  Json out = pki::tlsSecretData(content);
  out["apiVersion"] = "v1";
  out["kind"] = "Secret";
  out["metadata"] = {{"name", mesh.ca.secret_name},
                     {"namespace", mesh.ca.namespace_},
                     {"labels", {{kManagedByLabel, kManagedByValue}, {"paymesh.io/role", "mesh-ca"}}}};
  return out;
}

namespace {

Result<MeshStatePtr> fromSecret(const model::MeshConfig& mesh, const Json& secret, pki::TimePoint now) {
  std::string where = "mesh CA Secret " + mesh.ca.namespace_ + "/" + mesh.ca.secret_name;
  const Json& data = secret.value("data", Json::object());
  auto field = [&](const char* k) -> Result<std::string> {
    if (!data.contains(k) || !data[k].is_string()) return invalidArgument(where + ": data." + k + " missing");
    auto decoded = base64Decode(data[k].get<std::string>());
    if (!decoded.isOk()) return invalidArgument(where + ": data." + k + ": " + decoded.status().message());
    return std::move(*decoded);
  };
  ASSIGN_OR_RETURN(auto crt, field(pki::kTlsCertKey));
  ASSIGN_OR_RETURN(auto key, field(pki::kTlsKeyKey));
  auto ca = pki::CertificateAuthority::load(crt, key, now);
  if (!ca.isOk()) return invalidArgument(where + ": " + ca.status().message());
  auto state = std::make_shared<MeshState>();
  state->mesh = mesh;
  state->bundle.add(ca->certificate());
  // ca.crt may hold more CAs (the old and the new during a rotation): all are trusted.
  if (data.contains(pki::kCaCertKey)) {
    auto pem = field(pki::kCaCertKey);
    if (pem.isOk()) {
      if (auto bundle = pki::TrustBundle::fromPem(*pem); bundle.isOk())
        for (const auto& c : bundle->cas()) state->bundle.add(c);
    }
  }
  state->ca = std::move(*ca);
  return MeshStatePtr(std::move(state));
}

}  // namespace

Result<MeshStatePtr> ensureMeshCa(kube::Client& client, const model::MeshConfig& mesh, pki::TimePoint now,
                                  bool may_create) {
  const auto& secrets = kube::resources::kSecrets;
  Status last = unavailable("mesh CA Secret: could not read or create it");
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50) * (1 << std::min(attempt, 5)));
    auto got = client.get(secrets, mesh.ca.namespace_, mesh.ca.secret_name);
    if (got.isOk()) return fromSecret(mesh, *got, now);
    if (!kube::isNotFound(got.status())) {
      last = got.status();  // transient (500, 429, transport): try again
      continue;
    }
    if (mesh.ca.existing)
      return notFound("mesh CA Secret " + mesh.ca.namespace_ + "/" + mesh.ca.secret_name +
                      " not found (ca.existing is true: it is managed outside paymesh)");
    if (!may_create) return unavailable("mesh CA Secret absent and this replica may not write");
    pki::CaOptions options;
    auto alg = pki::parseKeyAlgorithm(model::toString(mesh.ca.key_algorithm));
    if (alg.isOk()) options.key_algorithm = *alg;
    options.duration = std::chrono::duration_cast<std::chrono::seconds>(mesh.ca.duration);
    options.common_name = "paymesh mesh CA (" + mesh.trust_domain + ")";
    ASSIGN_OR_RETURN(auto ca, pki::CertificateAuthority::create(options, now));
    auto created = client.create(secrets, mesh.ca.namespace_, caSecretObject(mesh, ca));
    if (created.isOk()) return fromSecret(mesh, *created, now);
    // AlreadyExists: another replica created it first, read theirs; else transient.
    last = created.status();
  }
  return last;
}

}  // namespace paymesh::ctrl
