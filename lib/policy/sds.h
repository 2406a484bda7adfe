#pragma once
// File-based SDS: the workload certificate and the trust bundle reach Envoy as SDS
// secrets. Their resource files live in the ConfigMap (next to LDS/CDS/EDS) and name the
// files of the Secret mount; each watches the Secret mount's directory, so Envoy re-reads
// the certificate, key and bundle when Kubernetes swaps the mount's ..data link. A
// renewal or a CA rotation then changes no ConfigMap, listener or cluster.

#include <nlohmann/json.hpp>
#include <string>

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// The SdsSecretConfig a TLS context names: the secret `secret_name` from the ConfigMap
// file `file` (a watched path_config_source).
Json sdsSecretConfig(const std::string& secret_name, const std::string& file);

// The DiscoveryResponse of kCertificateSdsFile: one TlsCertificate, tls.crt and tls.key of
// the Secret mount, read together on every ..data swap.
Json certificateSdsResponse();

// The DiscoveryResponse of kTrustBundleSdsFile: one CertificateValidationContext whose
// trusted_ca is ca.crt of the Secret mount (one CA, or two during a rotation).
Json trustBundleSdsResponse();

}  // namespace paymesh::policy
