#include "pki/issue.h"

#include <gtest/gtest.h>

#include <set>

#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::epochSeconds;
using testing::fixedNow;

class IssueTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto ca = CertificateAuthority::create({}, fixedNow());
    ASSERT_TRUE(ca.isOk());
    ca_.emplace(std::move(ca).value());
  }
  WorkloadIdentity settlement() const { return {"cluster.local", "payments", "settlement", "settlement"}; }
  std::optional<CertificateAuthority> ca_;
};

TEST_F(IssueTest, WorkloadSpecHasTheSpiffeIdAndServiceNames) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  EXPECT_EQ(spec->uris, std::vector<std::string>{"spiffe://cluster.local/ns/payments/sa/settlement"});
  EXPECT_EQ(spec->dns_names,
            (std::vector<std::string>{"settlement.payments.svc", "settlement.payments.svc.cluster.local"}));
  EXPECT_TRUE(spec->server_auth);
  EXPECT_TRUE(spec->client_auth);
}

TEST_F(IssueTest, WorkloadCertificateFields) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*ca_, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk()) << issued.status().toString();
  const Certificate& c = issued->certificate;
  EXPECT_FALSE(c.isCa());
  EXPECT_TRUE(c.matchesKey(issued->key));
  EXPECT_TRUE(c.isSignedBy(ca_->certificate()));
  EXPECT_EQ(c.uris(), spec->uris);
  EXPECT_EQ(c.dnsNames(), spec->dns_names);
  EXPECT_EQ(c.notBefore(), fixedNow() - kClockSkewAllowance);
  EXPECT_EQ(c.notAfter(), fixedNow() + 24h);
  KeyUsage ku = c.keyUsage();
  EXPECT_TRUE(ku.digital_signature);
  EXPECT_FALSE(ku.key_encipherment);  // ECDSA keys do not encipher
  EXPECT_FALSE(ku.key_cert_sign);
  EXPECT_TRUE(ku.server_auth);
  EXPECT_TRUE(ku.client_auth);
  EXPECT_TRUE(issued->chain.empty());
  EXPECT_EQ(issued->certificateChainPem(), c.toPem());
}

TEST_F(IssueTest, EveryCertificateGetsAFreshKeyAndARandom128BitSerial) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  std::set<std::string> serials;
  std::optional<PrivateKey> previous;
  int long_serials = 0;
  for (int i = 0; i < 32; ++i) {
    auto issued = issueCertificate(*ca_, *spec, fixedNow());
    ASSERT_TRUE(issued.isOk());
    serials.insert(issued->certificate.serialHex());
    // 16 random bytes: 32 hex digits unless the top byte happens to be below 0x10.
    if (issued->certificate.serialHex().size() >= 30) ++long_serials;
    EXPECT_LE(issued->certificate.serialHex().size(), 32u);
    if (previous) {
      EXPECT_NE(EVP_PKEY_eq(previous->get(), issued->key.get()), 1);
    }
    previous = issued->key;
  }
  EXPECT_EQ(serials.size(), 32u);
  EXPECT_GE(long_serials, 30);
}

TEST_F(IssueTest, PublicKeyInfoIsExactlyTheKeys) {
  // The EC fast path must encode the same SubjectPublicKeyInfo OpenSSL's encoder would.
  for (auto alg : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kRsa2048}) {
    auto spec = workloadLeafSpec(settlement(), 24h, alg);
    auto issued = issueCertificate(*ca_, *spec, fixedNow());
    ASSERT_TRUE(issued.isOk());
    unsigned char* from_cert = nullptr;
    unsigned char* from_key = nullptr;
    int cert_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issued->certificate.get()), &from_cert);
    int key_len = i2d_PUBKEY(issued->key.get(), &from_key);
    ASSERT_GT(cert_len, 0);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(from_cert), static_cast<size_t>(cert_len)),
              std::string(reinterpret_cast<char*>(from_key), static_cast<size_t>(key_len)));
    OPENSSL_free(from_cert);
    OPENSSL_free(from_key);
    ASSERT_NE(X509_get0_pubkey(issued->certificate.get()), nullptr);
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(issued->certificate.get()), issued->key.get()), 1);
  }
}

TEST_F(IssueTest, RsaWorkloadHasKeyEncipherment) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kRsa2048);
  auto issued = issueCertificate(*ca_, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk());
  EXPECT_EQ(*issued->key.algorithm(), KeyAlgorithm::kRsa2048);
  EXPECT_TRUE(issued->certificate.keyUsage().key_encipherment);
}

TEST_F(IssueTest, OpensslCliVerifiesTheChainAndShowsSansEkuAndKeyUsage) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*ca_, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk());
  testing::TempDir dir;
  std::string ca = dir.write("ca.crt", ca_->certificate().toPem());
  std::string leaf = dir.write("tls.crt", issued->certificateChainPem());
  std::string at = " -attime " + std::to_string(epochSeconds(fixedNow()));

  auto verify = testing::run("openssl verify -CAfile " + ca + at + " " + leaf);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output, leaf + ": OK\n");
  for (const char* purpose : {"sslserver", "sslclient"}) {
    auto p = testing::run("openssl verify -purpose " + std::string(purpose) + " -CAfile " + ca + at + " " + leaf);
    EXPECT_EQ(p.exit_code, 0) << purpose << ": " << p.output;
  }

  auto text = testing::run("openssl x509 -noout -text -in " + leaf);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected : {
           "URI:spiffe://cluster.local/ns/payments/sa/settlement",
           "DNS:settlement.payments.svc, DNS:settlement.payments.svc.cluster.local",
           "X509v3 Extended Key Usage: \n                TLS Web Server Authentication, TLS Web Client Authentication",
           "X509v3 Key Usage: critical\n                Digital Signature\n",
           "X509v3 Basic Constraints: critical\n                CA:FALSE",
           "X509v3 Subject Alternative Name: critical",  // no subject CN
           "Issuer: CN = paymesh root CA",
           "ASN1 OID: prime256v1",
           "Signature Algorithm: ecdsa-with-SHA256",
           "X509v3 Authority Key Identifier",
           "Not Before: May 31 23:55:00 2026 GMT",
           "Not After : Jun  2 00:00:00 2026 GMT",
       }) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << "missing " << expected << " in\n" << text.output;
  }

  // Past notAfter, and against another CA, the CLI refuses it.
  auto late = testing::run("openssl verify -CAfile " + ca + " -attime " +
                           std::to_string(epochSeconds(fixedNow() + 25h)) + " " + leaf);
  EXPECT_NE(late.exit_code, 0);
  EXPECT_NE(late.output.find("certificate has expired"), std::string::npos) << late.output;
  auto other = CertificateAuthority::create({}, fixedNow());
  std::string other_ca = dir.write("other.crt", other->certificate().toPem());
  auto wrong = testing::run("openssl verify -CAfile " + other_ca + at + " " + leaf);
  EXPECT_NE(wrong.exit_code, 0) << wrong.output;
}

TEST_F(IssueTest, WebhookServingCertificate) {
  auto spec = webhookLeafSpec("paymesh-webhook", "paymesh-system", 24h * 90);
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  auto issued = issueCertificate(*ca_, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk()) << issued.status().toString();
  EXPECT_EQ(issued->certificate.dnsNames(),
            (std::vector<std::string>{"paymesh-webhook", "paymesh-webhook.paymesh-system",
                                      "paymesh-webhook.paymesh-system.svc",
                                      "paymesh-webhook.paymesh-system.svc.cluster.local"}));
  EXPECT_TRUE(issued->certificate.uris().empty());
  EXPECT_TRUE(issued->certificate.keyUsage().server_auth);
  EXPECT_FALSE(issued->certificate.keyUsage().client_auth);
  EXPECT_EQ(issued->certificate.subjectCommonName(), "paymesh-webhook.paymesh-system.svc");

  testing::TempDir dir;
  std::string ca = dir.write("ca.crt", ca_->certificate().toPem());
  std::string leaf = dir.write("tls.crt", issued->certificateChainPem());
  std::string at = " -attime " + std::to_string(epochSeconds(fixedNow()));
  // The API server checks the serving certificate for the Service's DNS name.
  auto verify =
      testing::run("openssl verify -purpose sslserver -verify_hostname paymesh-webhook.paymesh-system.svc -CAfile " +
                   ca + at + " " + leaf);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  auto wrong_host =
      testing::run("openssl verify -verify_hostname other.paymesh-system.svc -CAfile " + ca + at + " " + leaf);
  EXPECT_NE(wrong_host.exit_code, 0);
  auto client = testing::run("openssl verify -purpose sslclient -CAfile " + ca + at + " " + leaf);
  EXPECT_NE(client.exit_code, 0) << "a serving certificate must not pass as a client certificate";
}

TEST_F(IssueTest, LeafNeverOutlivesItsCa) {
  auto short_ca = CertificateAuthority::create({"short", KeyAlgorithm::kEcdsaP256, 30h}, fixedNow());
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*short_ca, *spec, fixedNow() + 20h);
  ASSERT_TRUE(issued.isOk());
  EXPECT_EQ(issued->certificate.notAfter(), short_ca->certificate().notAfter());
}

TEST_F(IssueTest, RefusesToSignWithAnExpiredCa) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*ca_, *spec, fixedNow() + 24h * 365 * 11);
  ASSERT_FALSE(issued.isOk());
  EXPECT_NE(issued.status().message().find("expired at"), std::string::npos);
}

TEST_F(IssueTest, RenewalOfAnIssuedCertificate) {
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*ca_, *spec, fixedNow());
  // notBefore is 5 minutes back, so 2/3 of the 24h05m lifetime falls at +16h.
  auto d = decideCertificateRenewal(issued->certificate, std::nullopt, fixedNow() + 1h);
  EXPECT_FALSE(d.renew);
  EXPECT_EQ(d.next_check, fixedNow() - 5min + std::chrono::seconds(24h + 5min) * 2 / 3);
  EXPECT_TRUE(decideCertificateRenewal(issued->certificate, 8h, fixedNow() + 16h).renew);
  EXPECT_FALSE(decideCertificateRenewal(issued->certificate, 8h, fixedNow() + 15h, &ca_->certificate()).renew);
  auto next_ca = CertificateAuthority::create({"next", KeyAlgorithm::kEcdsaP256, 24h * 365}, fixedNow());
  auto switched = decideCertificateRenewal(issued->certificate, 8h, fixedNow() + 1h, &next_ca->certificate());
  EXPECT_TRUE(switched.renew);
  EXPECT_EQ(switched.reason, "issuer rotated");
}

// A CA with 6h of life left signs a 24h leaf cut to those 6h, due 2h before its end. A new
// one would end at the same moment, and the next sooner still: it used to be reissued ever
// more often towards the CA's end. It is kept until the CA rotates (a leaf the signing CA
// did not sign is renewed at once) or it expires.
TEST_F(IssueTest, ALeafCutToItsCasEndIsRenewedWhenTheCaRotatesNotOnEveryPass) {
  auto short_ca = CertificateAuthority::create({"short", KeyAlgorithm::kEcdsaP256, 6h}, fixedNow());
  ASSERT_TRUE(short_ca.isOk());
  auto spec = workloadLeafSpec(settlement(), 24h, KeyAlgorithm::kEcdsaP256);
  auto issued = issueCertificate(*short_ca, *spec, fixedNow());
  ASSERT_TRUE(issued.isOk());
  ASSERT_EQ(issued->certificate.notAfter(), short_ca->certificate().notAfter());
  EXPECT_EQ(decideCertificateRenewal(issued->certificate, 2h, fixedNow() + 1h, &short_ca->certificate()).reason,
            "not due");
  for (auto at : {fixedNow() + 4h, fixedNow() + 5h, fixedNow() + 5h + 59min}) {
    auto d = decideCertificateRenewal(issued->certificate, 2h, at, &short_ca->certificate());
    EXPECT_FALSE(d.renew) << "at +" << std::chrono::duration_cast<std::chrono::minutes>(at - fixedNow()).count();
    EXPECT_EQ(d.reason, "capped by its CA");
    EXPECT_EQ(d.next_check, issued->certificate.notAfter());
  }
  auto next_ca = CertificateAuthority::create({"next", KeyAlgorithm::kEcdsaP256, 24h * 365}, fixedNow() + 4h);
  auto rotated = decideCertificateRenewal(issued->certificate, 2h, fixedNow() + 4h, &next_ca->certificate());
  EXPECT_TRUE(rotated.renew);
  EXPECT_EQ(rotated.reason, "issuer rotated");
  // Without the CA to compare with (a caller that cannot tell), the plain rule applies.
  EXPECT_TRUE(decideCertificateRenewal(issued->certificate, 2h, fixedNow() + 4h).renew);
}

TEST_F(IssueTest, BadSpecsGiveClearErrors) {
  struct Case {
    LeafSpec spec;
    std::string expect;
  };
  LeafSpec base;
  base.dns_names = {"a.b.svc"};
  std::vector<Case> cases;
  auto with = [&](auto mutate, std::string expect) {
    LeafSpec s = base;
    mutate(s);
    cases.push_back({s, std::move(expect)});
  };
  with([](LeafSpec& s) { s.duration = 0s; }, "duration must be positive");
  with([](LeafSpec& s) { s.duration = 24h * 400; }, "at most 8784h");
  with([](LeafSpec& s) { s.dns_names.clear(); }, "at least one SAN");
  with([](LeafSpec& s) { s.uris = {"http://x/y"}; }, "must start with \"spiffe://\"");
  with([](LeafSpec& s) { s.dns_names = {"Bad_Name"}; }, "DNS name");
  with([](LeafSpec& s) { s.dns_names = {"a,DNS:evil.com"}; }, "DNS name");
  with([](LeafSpec& s) { s.server_auth = s.client_auth = false; }, "serverAuth or clientAuth");
  with([](LeafSpec& s) { s.common_name = std::string(65, 'c'); }, "common name");
  for (const auto& c : cases) {
    auto r = issueCertificate(*ca_, c.spec, fixedNow());
    ASSERT_FALSE(r.isOk()) << c.expect;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(
      workloadLeafSpec({"cluster.local", "payments", "settlement", "Settlement"}, 24h, KeyAlgorithm::kEcdsaP256)
          .isOk());
  EXPECT_FALSE(webhookLeafSpec("hook", "", 24h).isOk());
  base.dns_names = {"*.payments.svc"};
  EXPECT_TRUE(issueCertificate(*ca_, base, fixedNow()).isOk());
}

}  // namespace
}  // namespace paymesh::pki
