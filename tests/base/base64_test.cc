#include "base/base64.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(plain), encoded);
    auto d = base64Decode(encoded);
    ASSERT_TRUE(d.isOk()) << encoded;
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*base64Decode(base64Encode(all)), all);
}

TEST(Base64Test, RejectsMalformed) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v!A==", "Zg==Zg==", "Zm=v", "Zm 9v"}) {
    EXPECT_FALSE(base64Decode(bad).isOk()) << bad;
  }
}

TEST(Base64Test, RejectsMalformedPadding) {
  EXPECT_FALSE(base64Decode("Zm9").isOk());
  EXPECT_FALSE(base64Decode("Zm9*").isOk());
  EXPECT_FALSE(base64Decode("Zg==Zm9v").isOk());
  EXPECT_FALSE(base64Decode("Z===").isOk());
}

// RFC 7515 appendix C: the URL-safe alphabet without padding.
TEST(Base64UrlTest, UnpaddedUrlSafeAlphabet) {
  const std::string bytes = {'\x03', '\xec', '\xff', '\xe0', '\xc1'};
  EXPECT_EQ(base64UrlEncode(bytes), "A-z_4ME");
  EXPECT_EQ(*base64UrlDecode("A-z_4ME"), bytes);
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(*base64UrlDecode("Zg"), "f");
  EXPECT_EQ(*base64UrlDecode(""), "");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*base64UrlDecode(base64UrlEncode(all)), all);
}

TEST(Base64UrlTest, RejectsPaddingAndTheStandardAlphabet) {
  for (const char* bad : {"Zg==", "A+z/4D8", "Z", "Zm9 v", "Zm9v!"}) {
    EXPECT_FALSE(base64UrlDecode(bad).isOk()) << bad;
  }
}

}  // namespace
}  // namespace paymesh
