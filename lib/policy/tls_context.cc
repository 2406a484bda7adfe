#include "policy/tls_context.h"

#include "pki/spiffe.h"
#include "policy/names.h"

namespace paymesh::policy {
namespace {

Json certificates() {
  return Json::array({{{"certificate_chain", {{"filename", std::string(kTlsDir) + "/tls.crt"}}},
                       {"private_key", {{"filename", std::string(kTlsDir) + "/tls.key"}}}}});
}

Json trustedCa() { return {{"filename", std::string(kTlsDir) + "/ca.crt"}}; }

}  // namespace

Json upstreamTlsSocket(const std::string& sni, const std::string& peer_spiffe_id, bool http2) {
  Json common = {
      {"tls_params", {{"tls_minimum_protocol_version", "TLSv1_2"}}},
      {"tls_certificates", certificates()},
      {"validation_context",
       {{"trusted_ca", trustedCa()},
        {"match_typed_subject_alt_names",
         Json::array({{{"san_type", "URI"}, {"matcher", {{"exact", peer_spiffe_id}}}}})}}},
  };
  if (http2) common["alpn_protocols"] = Json::array({"h2"});
  return {{"name", "envoy.transport_sockets.tls"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"},
            {"sni", sni},
            {"common_tls_context", common}}}};
}

Json downstreamTlsSocket(const std::string& trust_domain, bool require_client_cert) {
  Json common = {
      {"tls_params", {{"tls_minimum_protocol_version", "TLSv1_2"}}},
      {"tls_certificates", certificates()},
      {"alpn_protocols", Json::array({"h2", "http/1.1"})},
      {"validation_context",
       {{"trusted_ca", trustedCa()},
        {"match_typed_subject_alt_names",
         Json::array({{{"san_type", "URI"}, {"matcher", {{"prefix", pki::trustDomainPrefix(trust_domain)}}}}})}}},
  };
  return {{"name", "envoy.transport_sockets.tls"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"},
            {"require_client_certificate", require_client_cert},
            {"common_tls_context", common}}}};
}

}  // namespace paymesh::policy
