#include "base/hex.h"

#include <gtest/gtest.h>

namespace paymesh {
namespace {

TEST(HexTest, TwoLowercaseDigitsPerByte) {
  EXPECT_EQ(hexEncode(""), "");
  EXPECT_EQ(hexEncode(std::string("\x00\x01\x7f\x80\xff", 5)), "00017f80ff");
  const unsigned char digest[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(hexEncode(digest, sizeof digest), "deadbeef");
}

}  // namespace
}  // namespace paymesh
