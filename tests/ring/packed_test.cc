#include "ring/packed.h"

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

TEST(PackedTest, PackRoundTrip) {
  const std::vector<uint64_t> v{0, 1, 255, 0x1234, 0xffffffffffffffffULL};
  auto back = unpackUints(packUints(v, 8), 8);
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(*back, v);
  EXPECT_EQ(packUints({0x0102}, 2), std::string("\x02\x01", 2));
  EXPECT_EQ(packUints32({0x01020304}, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_FALSE(unpackUints("abc", 2).isOk());
  EXPECT_FALSE(unpackUints("abc", 3).isOk());
}

TEST(PackedTest, IndexWidth) {
  EXPECT_EQ(indexWidth(1), 1);
  EXPECT_EQ(indexWidth(256), 1);
  EXPECT_EQ(indexWidth(257), 2);
  EXPECT_EQ(indexWidth(65536), 2);
  EXPECT_EQ(indexWidth(65537), 4);
}

}  // namespace
}  // namespace paymesh::ring
