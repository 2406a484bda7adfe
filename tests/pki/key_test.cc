#include "pki/key.h"

#include <gtest/gtest.h>

#include "pki_test_util.h"

namespace paymesh::pki {
namespace {

class KeyRoundTripTest : public ::testing::TestWithParam<KeyAlgorithm> {};

TEST_P(KeyRoundTripTest, GeneratesAndRoundTripsThroughPkcs8) {
  auto key = PrivateKey::generate(GetParam());
  ASSERT_TRUE(key.isOk()) << key.status().toString();
  EXPECT_EQ(*key->algorithm(), GetParam());
  auto pem = key->toPkcs8Pem();
  ASSERT_TRUE(pem.isOk());
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  auto back = PrivateKey::fromPem(*pem);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), back->get()), 1);
  EXPECT_EQ(*back->toPkcs8Pem(), *pem);
}

INSTANTIATE_TEST_SUITE_P(All, KeyRoundTripTest,
                         ::testing::Values(KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072));

TEST(PrivateKeyTest, FreshKeysDiffer) {
  auto a = PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  auto b = PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  EXPECT_NE(EVP_PKEY_eq(a->get(), b->get()), 1);
}

TEST(PrivateKeyTest, CopiesShareTheKey) {
  auto a = PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  PrivateKey copy = *a;
  PrivateKey assigned = *PrivateKey::generate(KeyAlgorithm::kEcdsaP256);
  assigned = copy;
  EXPECT_EQ(copy.get(), a->get());
  EXPECT_EQ(assigned.get(), a->get());
}

TEST(PrivateKeyTest, ReadsTraditionalEcFormFromTheOpensslCli) {
  testing::TempDir dir;
  auto r = testing::run("openssl ecparam -name prime256v1 -genkey -noout -out " + dir.file("ec.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string pem = testing::readFile(dir.file("ec.pem"));
  ASSERT_NE(pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  auto key = PrivateKey::fromPem(pem);
  ASSERT_TRUE(key.isOk()) << key.status().toString();
  EXPECT_EQ(*key->algorithm(), KeyAlgorithm::kEcdsaP256);
}

TEST(PrivateKeyTest, BadInputsGiveClearErrors) {
  struct Case {
    std::string pem;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"", "not PEM"},
      {"hello", "not PEM"},
      {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "malformed private key PEM"},
      {"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "malformed private key PEM"},
      {"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"},
      {std::string(kMaxPemBytes + 1, 'A'), "larger than 1 MiB"},
  };
  for (const auto& c : cases) {
    auto r = PrivateKey::fromPem(c.pem);
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

TEST(PrivateKeyTest, RefusesShortRsaAndOtherKeyTypes) {
  testing::TempDir dir;
  ASSERT_EQ(
      testing::run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + dir.file("r.pem")).exit_code,
      0);
  auto rsa = PrivateKey::fromPem(testing::readFile(dir.file("r.pem")));
  ASSERT_FALSE(rsa.isOk());
  EXPECT_NE(rsa.status().message().find("shorter than 2048"), std::string::npos);
  ASSERT_EQ(testing::run("openssl genpkey -algorithm ED25519 -out " + dir.file("e.pem")).exit_code, 0);
  auto ed = PrivateKey::fromPem(testing::readFile(dir.file("e.pem")));
  ASSERT_FALSE(ed.isOk());
  EXPECT_NE(ed.status().message().find("unsupported private key type"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::pki
