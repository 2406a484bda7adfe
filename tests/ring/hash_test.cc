#include "ring/hash.h"

#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

TEST(HashTest, XxHash64KnownValues) {
  EXPECT_EQ(xxHash64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(xxHash64("", 1), 0xD5AFBA1336A3BE4BULL);
  // The two points of host 127.0.0.1:90 in Envoy's ring hash Basic test.
  EXPECT_EQ(xxHash64("127.0.0.1:90_0"), 16117243373044804889ULL);
  EXPECT_EQ(xxHash64("127.0.0.1:90_1"), 1033482794131418490ULL);
}

TEST(HashTest, RequestKeyHashIsXxHash64OfTheValue) { EXPECT_EQ(requestKeyHash("pay-123"), xxHash64("pay-123", 0)); }

#if defined(__GLIBCXX__) && defined(__x86_64__)
// Envoy's MURMUR_HASH_2 is the hash libstdc++ uses for std::hash<std::string> on 64-bit.
TEST(HashTest, MurmurHash2MatchesLibstdcxxStringHash) {
  std::string s;
  for (int len = 0; len < 40; ++len) {
    EXPECT_EQ(murmurHash2(s), std::hash<std::string>{}(s)) << "length " << len;
    s.push_back(static_cast<char>('a' + len % 26 + (len % 3 == 0 ? 128 : 0)));
  }
  EXPECT_EQ(murmurHash2("127.0.0.1:85_0"), std::hash<std::string>{}("127.0.0.1:85_0"));
}
#endif

TEST(HashTest, IsPrime) {
  for (uint64_t p :
       {2ULL, 3ULL, 7ULL, 17ULL, 65537ULL, 655373ULL, 5000011ULL, 2147483647ULL, 18446744073709551557ULL}) {
    EXPECT_TRUE(isPrime(p)) << p;
  }
  for (uint64_t n :
       {0ULL, 1ULL, 4ULL, 8ULL, 65535ULL, 65539ULL * 3, 5000012ULL, 3215031751ULL, 18446744073709551615ULL}) {
    EXPECT_FALSE(isPrime(n)) << n;
  }
}

}  // namespace
}  // namespace paymesh::ring
