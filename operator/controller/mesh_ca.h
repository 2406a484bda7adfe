#pragma once
// The mesh CA at start: read from the Secret the mesh config names; created there
// (a self-signed root) when absent, unless the mesh config says the CA is managed
// elsewhere, in which case its absence is an error. Rotation of a created CA is the
// MeshCaReconciler's (operator/controller/mesh_ca_reconciler.h).

#include "base/status.h"
#include "kube/client.h"
#include "operator/controller/mesh_state.h"
#include "operator/desired/ca_rotation.h"

namespace paymesh::ctrl {

// The CA Secret as written: kubernetes.io/tls with tls.crt, tls.key and ca.crt (`bundle`,
// or the CA alone when empty), Active.
nlohmann::json caSecretObject(const model::MeshConfig& mesh, const pki::CertificateAuthority& ca,
                              const pki::TrustBundle& bundle = {});

// A new self-signed root as the mesh config describes it.
Result<pki::CertificateAuthority> createMeshCa(const model::MeshConfig& mesh, pki::TimePoint now);

// "mesh CA Secret ns/name", for errors.
std::string caSecretWhere(const model::MeshConfig& mesh);

// The mesh state a CA Secret gives: its signing CA and trust bundle. caIdentity tells
// two apart (a pass that reads the same Secret again changes nothing).
MeshStatePtr meshStateFrom(const model::MeshConfig& mesh, const CaSecretView& view);
std::string caIdentity(const CaSecretView& view);

// Loads (or creates) the CA and returns the mesh state built on it. Through a
// leader-gated client, a replica that may not write does not create one. A CA paymesh
// created that has expired (the operator was down through its rotation) is replaced by a
// new one, logged at error: nothing the old one signed verifies any more.
Result<MeshStatePtr> ensureMeshCa(kube::Client& client, const model::MeshConfig& mesh, pki::TimePoint now);

}  // namespace paymesh::ctrl
