#include "pki/certificate.h"

#include <gtest/gtest.h>

#include "pki/authority.h"
#include "pki/issue.h"
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

// A CA made by the openssl CLI with RFC 5280's "no well-defined expiration" notAfter
// (99991231235959Z) and, for a second one, a notBefore in year 1: both dates are past what
// a time point holds and saturate at its ends, so the CA reads as valid now (it used to
// read as "expired at 1816-...", the year 9999 wrapped through int64 nanoseconds).
TEST(CertificateTest, FarDatesFromOpensslSaturateInsteadOfWrapping) {
  testing::TempDir dir;
  const std::string d = dir.path().string();
  dir.write("index.txt", "");
  dir.write("serial", "01\n");
  dir.write("ca.cnf", "[ca]\ndefault_ca = d\n[d]\ndatabase = " + d + "/index.txt\nnew_certs_dir = " + d +
                          "\nserial = " + d +
                          "/serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n"
                          "[p]\ncommonName = supplied\n"
                          "[v3ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
                          "subjectKeyIdentifier = hash\n");
  auto made = [&](const std::string& name, const std::string& start, const std::string& end) {
    auto r =
        testing::run("cd " + d + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                     name + ".key -subj /CN=" + name + " -out " + name + ".csr && openssl ca -batch -notext " +
                     "-config ca.cnf -selfsign -keyfile " + name + ".key -in " + name + ".csr -startdate " + start +
                     " -enddate " + end + " -extensions v3ca -out " + name + ".pem");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return std::pair{testing::readFile(dir.file(name + ".pem")), testing::readFile(dir.file(name + ".key"))};
  };
  auto [pem, key] = made("no-expiry", "20260101000000Z", "99991231235959Z");
  auto printed = testing::run("openssl x509 -noout -enddate -in " + dir.file("no-expiry.pem"));
  ASSERT_EQ(printed.output, "notAfter=Dec 31 23:59:59 9999 GMT\n");
  auto cert = Certificate::fromPem(pem);
  ASSERT_TRUE(cert.isOk()) << cert.status().toString();
  EXPECT_EQ(cert->notAfter(), TimePoint::max());
  EXPECT_EQ(formatTime(cert->notBefore()), "2026-01-01T00:00:00Z");
  EXPECT_TRUE(cert->isValidAt(fixedNow()));
  EXPECT_TRUE(validateCaCertificate(*cert, fixedNow()).isOk()) << validateCaCertificate(*cert, fixedNow()).toString();
  // It signs: a leaf's notAfter is now + duration (capped by the CA's, far away).
  auto ca = CertificateAuthority::load(pem, key, fixedNow());
  ASSERT_TRUE(ca.isOk()) << ca.status().toString();
  LeafSpec spec;
  spec.uris = {"spiffe://cluster.local/ns/a/sa/b"};
  spec.duration = std::chrono::hours(24);
  auto leaf = issueCertificate(*ca, spec, fixedNow());
  ASSERT_TRUE(leaf.isOk()) << leaf.status().toString();
  EXPECT_EQ(leaf->certificate.notAfter(), fixedNow() + std::chrono::hours(24));

  auto [old_pem, old_key] = made("year-one", "00010101000000Z", "99991231235959Z");
  auto old = Certificate::fromPem(old_pem);
  ASSERT_TRUE(old.isOk()) << old.status().toString();
  EXPECT_EQ(old->notBefore(), TimePoint::min());
  EXPECT_EQ(old->notAfter(), TimePoint::max());
  EXPECT_TRUE(old->isValidAt(fixedNow()));
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
