#include "policy/sds.h"

#include <gtest/gtest.h>

#include "policy/names.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;

TEST(SdsTest, CertificateSecretNamesTheSecretMountAndWatchesIt) {
  json r = certificateSdsResponse();
  ASSERT_EQ(r["resources"].size(), 1u);  // Envoy's file subscription takes exactly one
  const json& secret = r["resources"][0];
  EXPECT_EQ(secret["@type"], "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");
  EXPECT_EQ(secret["name"], kCertificateSecret);
  EXPECT_EQ(secret["tls_certificate"], json::parse(R"({"certificate_chain": {"filename": "/etc/paymesh/tls/tls.crt"},
                            "private_key": {"filename": "/etc/paymesh/tls/tls.key"},
                            "watched_directory": {"path": "/etc/paymesh/tls"}})"));
}

TEST(SdsTest, TrustBundleSecretNamesCaCrtAndWatchesTheSecretMount) {
  json r = trustBundleSdsResponse();
  ASSERT_EQ(r["resources"].size(), 1u);
  EXPECT_EQ(r["resources"][0]["name"], kTrustBundleSecret);
  EXPECT_EQ(r["resources"][0]["validation_context"],
            json::parse(R"({"trusted_ca": {"filename": "/etc/paymesh/tls/ca.crt"},
                            "watched_directory": {"path": "/etc/paymesh/tls"}})"));
}

TEST(SdsTest, ReferencesReadTheConfigMapMountAndWatchIt) {
  json ref = sdsSecretConfig(kTrustBundleSecret, kTrustBundleSdsFile);
  EXPECT_EQ(ref, json::parse(R"({"name": "trust-bundle", "sds_config": {"resource_api_version": "V3",
      "path_config_source": {"path": "/etc/paymesh/config/sds-trust-bundle.yaml",
                             "watched_directory": {"path": "/etc/paymesh/config"}}}})"));
  // The mount paths the injector uses are the ones the files name.
  EXPECT_EQ(std::string(kBootstrapPath), configPath(kBootstrapFile));
}

}  // namespace
}  // namespace paymesh::policy
