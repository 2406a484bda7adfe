#include "pki/certificate.h"

#include <gtest/gtest.h>

#include "pki/authority.h"
#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using testing::fixedNow;

TEST(CertificateTest, PemRoundTripAndChains) {
  auto a = CertificateAuthority::create({"a", KeyAlgorithm::kEcdsaP256, std::chrono::hours(48)}, fixedNow());
  auto b = CertificateAuthority::create({"b", KeyAlgorithm::kEcdsaP256, std::chrono::hours(48)}, fixedNow());
  std::string pem = a->certificate().toPem() + "\n" + b->certificate().toPem();
  auto certs = parsePemCertificates(pem);
  ASSERT_TRUE(certs.isOk()) << certs.status().toString();
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ((*certs)[0].subjectCommonName(), "a");
  EXPECT_EQ((*certs)[1].subjectCommonName(), "b");
  EXPECT_EQ(toPem(*certs), a->certificate().toPem() + b->certificate().toPem());
  auto one = Certificate::fromPem(pem);
  ASSERT_FALSE(one.isOk());
  EXPECT_EQ(one.status().message(), "expected one certificate, found 2");
  EXPECT_TRUE((*certs)[0].isSignedBy(a->certificate()));
  EXPECT_FALSE((*certs)[0].isSignedBy(b->certificate()));
}

TEST(CertificateTest, FieldsMatchTheOpensslCli) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  const Certificate& c = ca->certificate();
  testing::TempDir dir;
  std::string path = dir.write("c.pem", c.toPem());
  auto fp = testing::run("openssl x509 -noout -fingerprint -sha256 -in " + path);
  std::string colonless;
  for (char ch : fp.output.substr(fp.output.find('=') + 1)) {
    if (ch != ':' && ch != '\n') colonless += static_cast<char>(std::tolower(ch));
  }
  EXPECT_EQ(colonless, c.fingerprintSha256());
  auto serial = testing::run("openssl x509 -noout -serial -in " + path);
  EXPECT_EQ(serial.output, "serial=" + c.serialHex() + "\n");
  EXPECT_EQ(formatTime(c.notAfter()), "2036-05-29T00:00:00Z");
}

TEST(CertificateTest, MalformedPemGivesClearErrors) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  std::string good = ca->certificate().toPem();
  std::string corrupted = good;
  corrupted[40] = corrupted[40] == 'A' ? 'B' : 'A';
  corrupted[41] = '*';
  struct Case {
    std::string pem, expect;
  };
  std::vector<Case> cases = {
      {"", "no PEM certificate found"},
      {"just text", "no PEM certificate found"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n", "has no END line"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "malformed certificate in PEM block 1"},
      {corrupted, "malformed certificate in PEM block 1"},
      {good + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "PEM block 2"},
      {*ca->key().toPkcs8Pem(), "is a private key where a certificate was expected"},
      {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", "not a CERTIFICATE (found \"X509 CRL\")"},
      {"-----BEGIN ", "unterminated BEGIN line"},
  };
  for (const auto& c : cases) {
    auto r = parsePemCertificates(c.pem);
    ASSERT_FALSE(r.isOk()) << c.pem;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace paymesh::pki
