#include "pki/tls_secret.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::fixedNow;

class TlsSecretTest : public ::testing::Test {
protected:
  void SetUp() override {
    ca_.emplace(*CertificateAuthority::create({}, fixedNow()));
    auto spec =
        workloadLeafSpec({"cluster.local", "payments", "settlement", "settlement"}, 24h, KeyAlgorithm::kEcdsaP256);
    issued_.emplace(*issueCertificate(*ca_, *spec, fixedNow()));
    bundle_ = TrustBundle({ca_->certificate()});
  }
  std::optional<CertificateAuthority> ca_;
  std::optional<IssuedCertificate> issued_;
  TrustBundle bundle_;
};

TEST_F(TlsSecretTest, DataIsBase64OfThePemTexts) {
  auto content = tlsSecretContent(*issued_, bundle_);
  ASSERT_TRUE(content.isOk());
  nlohmann::json data = tlsSecretData(*content);
  EXPECT_EQ(data["type"], "kubernetes.io/tls");
  ASSERT_EQ(data["data"].size(), 3u);
  EXPECT_EQ(*base64Decode(data["data"]["tls.crt"].get<std::string>()), issued_->certificateChainPem());
  EXPECT_EQ(*base64Decode(data["data"]["tls.key"].get<std::string>()), *issued_->key.toPkcs8Pem());
  EXPECT_EQ(*base64Decode(data["data"]["ca.crt"].get<std::string>()), ca_->certificate().toPem());
  EXPECT_EQ(base64Decode(data["data"]["tls.key"].get<std::string>())->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
}

TEST_F(TlsSecretTest, ReadsBackWhatItWrote) {
  nlohmann::json secret = {
      {"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "settlement-paymesh-tls"}}}};
  secret.update(tlsSecretData(*tlsSecretContent(*issued_, bundle_)));
  auto m = readTlsSecret(secret);
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  EXPECT_EQ(m->chain.size(), 1u);
  EXPECT_EQ(m->leaf().serialHex(), issued_->certificate.serialHex());
  EXPECT_EQ(EVP_PKEY_eq(m->key.get(), issued_->key.get()), 1);
  EXPECT_TRUE(m->bundle.verify(m->leaf(), {}, fixedNow()).isOk());
}

TEST_F(TlsSecretTest, ReadsStringDataTooAndPrefersIt) {
  auto content = *tlsSecretContent(*issued_, bundle_);
  nlohmann::json secret = {{"type", "kubernetes.io/tls"},
                           {"stringData", {{"tls.crt", content.tls_crt}, {"tls.key", content.tls_key}}},
                           {"data", {{"tls.crt", "!!!!"}, {"ca.crt", base64Encode(content.ca_crt)}}}};
  auto m = readTlsSecret(secret);
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  EXPECT_EQ(m->leaf().serialHex(), issued_->certificate.serialHex());
}

TEST_F(TlsSecretTest, OpensslCliVerifiesTheSecretContent) {
  auto content = *tlsSecretContent(*issued_, bundle_);
  testing::TempDir dir;
  auto r = testing::run("openssl verify -attime " + std::to_string(testing::epochSeconds(fixedNow())) + " -CAfile " +
                        dir.write("ca.crt", content.ca_crt) + " " + dir.write("tls.crt", content.tls_crt));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto key = testing::run("openssl pkey -noout -in " + dir.write("tls.key", content.tls_key));
  EXPECT_EQ(key.exit_code, 0) << key.output;
}

TEST_F(TlsSecretTest, BadSecretsGiveClearErrors) {
  auto content = *tlsSecretContent(*issued_, bundle_);
  nlohmann::json good = tlsSecretData(content);
  auto other = *issueCertificate(
      *ca_, *workloadLeafSpec({"cluster.local", "payments", "clearing", "clearing"}, 24h, KeyAlgorithm::kEcdsaP256),
      fixedNow());
  struct Case {
    nlohmann::json secret;
    std::string expect;
  };
  std::vector<Case> cases;
  cases.push_back({nlohmann::json::array(), "must be a JSON object"});
  cases.push_back({nlohmann::json{{"type", "Opaque"}, {"data", good["data"]}}, "type must be \"kubernetes.io/tls\""});
  auto without_key = good;
  without_key["data"].erase("tls.key");
  cases.push_back({without_key, "TLS Secret has no tls.key"});
  auto bad_b64 = good;
  bad_b64["data"]["ca.crt"] = "not base64!";
  cases.push_back({bad_b64, "data.ca.crt: "});
  auto non_string = good;
  non_string["data"]["tls.crt"] = 42;
  cases.push_back({non_string, "data.tls.crt must be a base64 string"});
  auto bad_pem = good;
  bad_pem["data"]["tls.crt"] = base64Encode("garbage");
  cases.push_back({bad_pem, "tls.crt: no PEM certificate found"});
  auto mismatched = good;
  mismatched["data"]["tls.key"] = base64Encode(*other.key.toPkcs8Pem());
  cases.push_back({mismatched, "tls.key does not match the first certificate of tls.crt"});
  auto leaf_as_ca = good;
  leaf_as_ca["data"]["ca.crt"] = good["data"]["tls.crt"];
  cases.push_back({leaf_as_ca, "ca.crt: trust bundle: certificate 1"});
  for (const auto& c : cases) {
    auto r = readTlsSecret(c.secret);
    ASSERT_FALSE(r.isOk()) << c.expect;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(tlsSecretContent(*issued_, TrustBundle()).isOk());
}

}  // namespace
}  // namespace paymesh::pki
