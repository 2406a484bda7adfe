#pragma once
// The mesh CA at start: read from the Secret the mesh config names; created there
// (a self-signed root) when absent, unless the mesh config says the CA is managed
// elsewhere, in which case its absence is an error.

#include "base/status.h"
#include "kube/client.h"
#include "operator/controller/reconciler.h"

namespace paymesh::ctrl {

// The CA Secret as written: kubernetes.io/tls with tls.crt, tls.key and ca.crt.
nlohmann::json caSecretObject(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca);

// Loads (or creates) the CA and returns the mesh state built on it.
Result<MeshStatePtr> ensureMeshCa(kube::Client& client, const model::MeshConfig& mesh, pki::TimePoint now,
                                  bool may_create = true);

}  // namespace paymesh::ctrl
