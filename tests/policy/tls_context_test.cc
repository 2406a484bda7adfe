#include "policy/tls_context.h"

#include <gtest/gtest.h>

#include "pki/spiffe.h"
#include "policy/names.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;

// Certificate and trust bundle by SDS from the ConfigMap mount, nothing static.
void expectSdsOnly(const json& common) {
  EXPECT_FALSE(common.contains("tls_certificates"));
  EXPECT_FALSE(common.contains("validation_context"));
  ASSERT_EQ(common["tls_certificate_sds_secret_configs"].size(), 1u);
  const json& cert = common["tls_certificate_sds_secret_configs"][0];
  EXPECT_EQ(cert["name"], kCertificateSecret);
  EXPECT_EQ(cert["sds_config"]["path_config_source"]["path"], "/etc/paymesh/config/sds-certificate.yaml");
  EXPECT_EQ(cert["sds_config"]["path_config_source"]["watched_directory"]["path"], "/etc/paymesh/config");
  const json& trust = common["combined_validation_context"]["validation_context_sds_secret_config"];
  EXPECT_EQ(trust["name"], kTrustBundleSecret);
  EXPECT_EQ(trust["sds_config"]["path_config_source"]["path"], "/etc/paymesh/config/sds-trust-bundle.yaml");
  EXPECT_FALSE(common["combined_validation_context"]["default_validation_context"].contains("trusted_ca"));
}

TEST(TlsContextTest, UpstreamVerifiesTheExactPeerIdentityAgainstTheSdsBundle) {
  std::string id = pki::workloadSpiffeId("cluster.local", "payments", "settlement");
  json socket = upstreamTlsSocket("grpc.settlement.payments.svc", id, true);
  const json& tls = socket["typed_config"];
  EXPECT_EQ(tls["sni"], "grpc.settlement.payments.svc");
  const json& common = tls["common_tls_context"];
  expectSdsOnly(common);
  EXPECT_EQ(common["combined_validation_context"]["default_validation_context"]["match_typed_subject_alt_names"],
            json::parse(R"([{"san_type": "URI",
                             "matcher": {"exact": "spiffe://cluster.local/ns/payments/sa/settlement"}}])"));
  EXPECT_EQ(common["alpn_protocols"], json::array({"h2"}));
  EXPECT_FALSE(upstreamTlsSocket("x", id, false)["typed_config"]["common_tls_context"].contains("alpn_protocols"));
}

TEST(TlsContextTest, DownstreamAcceptsAnyIdentityOfTheTrustDomain) {
  json socket = downstreamTlsSocket("mesh.example", true);
  const json& tls = socket["typed_config"];
  EXPECT_EQ(tls["require_client_certificate"], true);
  expectSdsOnly(tls["common_tls_context"]);
  EXPECT_EQ(tls["common_tls_context"]["combined_validation_context"]["default_validation_context"]
               ["match_typed_subject_alt_names"][0]["matcher"],
            json({{"prefix", "spiffe://mesh.example/"}}));
  // The prefix is the trust domain's own ID: every workload ID starts with it.
  EXPECT_EQ(pki::workloadSpiffeId("mesh.example", "ns", "sa").rfind(pki::trustDomainPrefix("mesh.example"), 0), 0u);
}

}  // namespace
}  // namespace paymesh::policy
