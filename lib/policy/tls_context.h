#pragma once
// Envoy TLS transport sockets (envoy.transport_sockets.tls) from the workload
// certificate in the Secret mount.

#include <nlohmann/json.hpp>
#include <string>

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// Upstream (caller side): present the workload certificate, verify the peer chains to
// the mesh CA and carries exactly `peer_spiffe_id` as a URI SAN.
Json upstreamTlsSocket(const std::string& sni, const std::string& peer_spiffe_id, bool http2);

// Downstream (inbound side): the workload certificate; client certificates are
// required when `require_client_cert`, and must carry a SPIFFE ID of `trust_domain`.
Json downstreamTlsSocket(const std::string& trust_domain, bool require_client_cert);

}  // namespace paymesh::policy
