#include "policy/tls_context.h"

#include "pki/spiffe.h"
#include "policy/names.h"
#include "policy/sds.h"

namespace paymesh::policy {
namespace {

// Certificate and trust bundle by SDS; `san` is the URI SAN matcher ({"exact": id} or
// {"prefix": id}), kept in the static half of the combined validation context.
Json commonTlsContext(Json san) {
  return {
      {"tls_params", {{"tls_minimum_protocol_version", "TLSv1_2"}}},
      {"tls_certificate_sds_secret_configs", Json::array({sdsSecretConfig(kCertificateSecret, kCertificateSdsFile)})},
      {"combined_validation_context",
       {{"default_validation_context",
         {{"match_typed_subject_alt_names", Json::array({{{"san_type", "URI"}, {"matcher", std::move(san)}}})}}},
        {"validation_context_sds_secret_config", sdsSecretConfig(kTrustBundleSecret, kTrustBundleSdsFile)}}}};
}

}  // namespace

Json upstreamTlsSocket(const std::string& sni, const std::string& peer_spiffe_id, bool http2) {
  Json common = commonTlsContext({{"exact", peer_spiffe_id}});
  if (http2) common["alpn_protocols"] = Json::array({"h2"});
  return {{"name", "envoy.transport_sockets.tls"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"},
            {"sni", sni},
            {"common_tls_context", common}}}};
}

Json downstreamTlsSocket(const std::string& trust_domain, bool require_client_cert) {
  Json common = commonTlsContext({{"prefix", pki::trustDomainPrefix(trust_domain)}});
  common["alpn_protocols"] = Json::array({"h2", "http/1.1"});
  return {{"name", "envoy.transport_sockets.tls"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"},
            {"require_client_certificate", require_client_cert},
            {"common_tls_context", common}}}};
}

}  // namespace paymesh::policy
