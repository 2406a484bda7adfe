#include "pki/authority.h"

#include <gtest/gtest.h>

#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

using namespace std::chrono_literals;
using testing::fixedNow;

TEST(CertificateAuthorityTest, CreatesAnEcdsaRootByDefault) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  ASSERT_TRUE(ca.isOk()) << ca.status().toString();
  const Certificate& c = ca->certificate();
  EXPECT_TRUE(c.isCa());
  EXPECT_TRUE(c.isSelfSigned());
  EXPECT_TRUE(c.matchesKey(ca->key()));
  EXPECT_EQ(*ca->key().algorithm(), KeyAlgorithm::kEcdsaP256);
  EXPECT_EQ(c.subjectCommonName(), "paymesh root CA");
  EXPECT_EQ(c.notBefore(), fixedNow() - 5min);
  EXPECT_EQ(c.notAfter(), fixedNow() + std::chrono::hours(24 * 365 * 10));
  KeyUsage ku = c.keyUsage();
  EXPECT_TRUE(ku.key_cert_sign);
  EXPECT_TRUE(ku.crl_sign);
  EXPECT_TRUE(ca->chainForLeaves().empty());
  EXPECT_EQ(ca->id().size(), 64u);
}

TEST(CertificateAuthorityTest, RsaOptionsAndOpensslSeesACa) {
  for (auto alg : {KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072}) {
    auto ca = CertificateAuthority::create({"mesh CA", alg, 24h * 30}, fixedNow());
    ASSERT_TRUE(ca.isOk()) << ca.status().toString();
    EXPECT_EQ(*ca->key().algorithm(), alg);
    testing::TempDir dir;
    auto r = testing::run("openssl x509 -noout -text -in " + dir.write("ca.crt", ca->certificate().toPem()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("CA:TRUE"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Certificate Sign, CRL Sign"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Subject: CN = mesh CA"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(alg == KeyAlgorithm::kRsa2048 ? "(2048 bit)" : "(3072 bit)"), std::string::npos);
  }
}

TEST(CertificateAuthorityTest, CreateRejectsBadOptions) {
  EXPECT_FALSE(CertificateAuthority::create({"", KeyAlgorithm::kEcdsaP256, 24h}, fixedNow()).isOk());
  EXPECT_FALSE(CertificateAuthority::create({std::string(65, 'x'), KeyAlgorithm::kEcdsaP256, 24h}, fixedNow()).isOk());
  auto short_ca = CertificateAuthority::create({"ca", KeyAlgorithm::kEcdsaP256, 10min}, fixedNow());
  ASSERT_FALSE(short_ca.isOk());
  EXPECT_NE(short_ca.status().message().find("at least 1h"), std::string::npos);
}

TEST(CertificateAuthorityTest, LoadsAGeneratedCa) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  auto loaded = CertificateAuthority::load(ca->certificate().toPem(), *ca->key().toPkcs8Pem(), fixedNow() + 24h);
  ASSERT_TRUE(loaded.isOk()) << loaded.status().toString();
  EXPECT_EQ(loaded->id(), ca->id());
}

TEST(CertificateAuthorityTest, LoadsACaMadeByTheOpensslCli) {
  testing::TempDir dir;
  auto r = testing::run("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=external-ca -days 30 -keyout " +
                        dir.file("ca.key") + " -out " + dir.file("ca.crt") +
                        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto ca = CertificateAuthority::load(testing::readFile(dir.file("ca.crt")), testing::readFile(dir.file("ca.key")),
                                       std::chrono::system_clock::now());
  ASSERT_TRUE(ca.isOk()) << ca.status().toString();
  EXPECT_EQ(ca->certificate().subjectCommonName(), "external-ca");
}

TEST(CertificateAuthorityTest, RefusesANonCaCertificate) {
  testing::TempDir dir;
  auto r = testing::run(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=leaf -days 30 "
      "-addext basicConstraints=critical,CA:FALSE -keyout " +
      dir.file("k.pem") + " -out " + dir.file("c.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto ca = CertificateAuthority::load(testing::readFile(dir.file("c.pem")), testing::readFile(dir.file("k.pem")),
                                       std::chrono::system_clock::now());
  ASSERT_FALSE(ca.isOk());
  EXPECT_EQ(ca.status().code(), Code::kInvalidArgument);
  EXPECT_NE(ca.status().message().find("is not a CA: basicConstraints CA:TRUE is missing"), std::string::npos)
      << ca.status().message();
}

TEST(CertificateAuthorityTest, RefusesAnExpiredOrNotYetValidCa) {
  auto ca = CertificateAuthority::create({"old", KeyAlgorithm::kEcdsaP256, 48h}, fixedNow());
  std::string key = *ca->key().toPkcs8Pem();
  auto expired = CertificateAuthority::load(ca->certificate().toPem(), key, fixedNow() + 49h);
  ASSERT_FALSE(expired.isOk());
  EXPECT_EQ(expired.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("expired at 2026-06-03T00:00:00Z"), std::string::npos)
      << expired.status().message();
  auto early = CertificateAuthority::load(ca->certificate().toPem(), key, fixedNow() - 1h);
  ASSERT_FALSE(early.isOk());
  EXPECT_NE(early.status().message().find("not valid before"), std::string::npos);
}

TEST(CertificateAuthorityTest, RefusesAKeyThatDoesNotMatch) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  auto other = PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  auto r = CertificateAuthority::load(ca->certificate().toPem(), *other->toPkcs8Pem(), fixedNow());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "CA key does not match the CA certificate \"CN=paymesh root CA\"");
}

TEST(CertificateAuthorityTest, MalformedInputsNameTheField) {
  auto ca = CertificateAuthority::create({}, fixedNow());
  auto bad_cert = CertificateAuthority::load("garbage", *ca->key().toPkcs8Pem(), fixedNow());
  ASSERT_FALSE(bad_cert.isOk());
  EXPECT_EQ(bad_cert.status().message().rfind("CA certificate: ", 0), 0u) << bad_cert.status().message();
  auto bad_key = CertificateAuthority::load(ca->certificate().toPem(), "garbage", fixedNow());
  ASSERT_FALSE(bad_key.isOk());
  EXPECT_EQ(bad_key.status().message().rfind("CA key: ", 0), 0u) << bad_key.status().message();
  // Swapped files: a key where the certificate should be.
  auto swapped = CertificateAuthority::load(*ca->key().toPkcs8Pem(), ca->certificate().toPem(), fixedNow());
  ASSERT_FALSE(swapped.isOk());
  EXPECT_NE(swapped.status().message().find("is a private key where a certificate was expected"), std::string::npos);
}

TEST(CertificateAuthorityTest, IntermediateCaPutsItselfInTheLeafChain) {
  testing::TempDir dir;
  std::string d = dir.path().string();
  auto r = testing::run(
      "cd " + d +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=root -days 30 "
      "-keyout root.key -out root.crt && "
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=inter -keyout inter.key -out "
      "inter.csr && "
      "printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ext.cnf && "
      "openssl x509 -req -in inter.csr -CA root.crt -CAkey root.key -CAcreateserial -days 20 -extfile ext.cnf -out "
      "inter.crt");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto ca =
      CertificateAuthority::load(testing::readFile(dir.file("inter.crt")) + testing::readFile(dir.file("root.crt")),
                                 testing::readFile(dir.file("inter.key")), std::chrono::system_clock::now());
  ASSERT_TRUE(ca.isOk()) << ca.status().toString();
  auto chain = ca->chainForLeaves();
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_EQ(chain[0].subjectCommonName(), "inter");
}

}  // namespace
}  // namespace paymesh::pki
