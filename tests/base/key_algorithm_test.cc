#include "base/key_algorithm.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(KeyAlgorithmTest, ParsesTheThreeNames) {
  EXPECT_EQ(*parseKeyAlgorithm("ECDSAP256"), KeyAlgorithm::kEcdsaP256);
  EXPECT_EQ(*parseKeyAlgorithm("RSA2048"), KeyAlgorithm::kRsa2048);
  EXPECT_EQ(*parseKeyAlgorithm("RSA3072"), KeyAlgorithm::kRsa3072);
  for (auto a : {KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072}) {
    EXPECT_EQ(*parseKeyAlgorithm(keyAlgorithmName(a)), a);
  }
  EXPECT_EQ(keyAlgorithmNames(), (std::vector<std::string>{"ECDSAP256", "RSA2048", "RSA3072"}));
}

TEST(KeyAlgorithmTest, UnknownNameIsAClearError) {
  auto r = parseKeyAlgorithm("Ed25519");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("unknown key algorithm \"Ed25519\""), std::string::npos);
  EXPECT_NE(r.status().message().find("ECDSAP256, RSA2048, RSA3072"), std::string::npos);
  EXPECT_FALSE(parseKeyAlgorithm("ecdsap256").isOk());
  EXPECT_FALSE(parseKeyAlgorithm("").isOk());
}

}  // namespace
}  // namespace paymesh
