#pragma once
// Envoy TLS transport sockets (envoy.transport_sockets.tls) on the workload certificate.
// Certificate, key and trust bundle come from file-based SDS (policy/sds.h), never from
// files or bytes in the context itself: Envoy reloads SDS secrets when the Secret mount
// changes, while a static context keeps what it read at creation for its whole life.
//
// The peer-identity check differs per context (the exact SPIFFE ID of a dependency, or
// any ID of the trust domain inbound) while the trust bundle is the same everywhere, so
// each context is a combined validation context: its SAN matcher static, merged with the
// one shared trust-bundle secret.

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
