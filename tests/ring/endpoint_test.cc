#include "ring/endpoint.h"

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

TEST(EndpointTest, CanonicalSortsByKeyBytes) {
  auto r = canonicalEndpoints({{"b", 1}, {"B", 2}, {"a", 3}, {"10.0.0.2:80", 1}, {"10.0.0.10:80", 1}});
  ASSERT_TRUE(r.isOk());
  std::vector<std::string> keys;
  for (const auto& e : *r) keys.push_back(e.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"10.0.0.10:80", "10.0.0.2:80", "B", "a", "b"}));
}

TEST(EndpointTest, CanonicalRejectsBadInput) {
  auto none = canonicalEndpoints({});
  ASSERT_FALSE(none.isOk());
  EXPECT_NE(none.status().message().find("no endpoints"), std::string::npos);
  auto dup = canonicalEndpoints({{"a", 1}, {"b", 1}, {"a", 2}});
  ASSERT_FALSE(dup.isOk());
  EXPECT_EQ(dup.status().message(), "duplicate endpoint key \"a\"");
  EXPECT_FALSE(canonicalEndpoints({{"", 1}}).isOk());
  EXPECT_FALSE(canonicalEndpoints({{"a", 0}}).isOk());
  EXPECT_FALSE(canonicalEndpoints({{"a\nb", 1}}).isOk());
  EXPECT_FALSE(canonicalEndpoints({{"a", 0xffffffffu}, {"b", 1}}).isOk());  // sum > 2^32-1
  EXPECT_FALSE(canonicalEndpoints({{std::string(2000, 'x'), 1}}).isOk());
}

TEST(EndpointTest, ValidateSpec) {
  RingSpec maglev;
  EXPECT_TRUE(validateSpec(maglev).isOk());
  maglev.tableSize = 65536;
  auto s = validateSpec(maglev);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message(), "maglev table size must be a prime number, got 65536");
  RingSpec ring;
  ring.algorithm = Algorithm::kRingHash;
  EXPECT_TRUE(validateSpec(ring).isOk());
  ring.minRingSize = 0;
  EXPECT_FALSE(validateSpec(ring).isOk());
}

TEST(EndpointTest, ParseNames) {
  EXPECT_EQ(*parseAlgorithm("maglev"), Algorithm::kMaglev);
  EXPECT_EQ(*parseAlgorithm("RING_HASH"), Algorithm::kRingHash);
  EXPECT_EQ(*parseAlgorithm("Ketama"), Algorithm::kRingHash);
  EXPECT_FALSE(parseAlgorithm("random").isOk());
  EXPECT_EQ(*parseHashFunction("xx"), HashFunction::kXxHash64);
  EXPECT_EQ(*parseHashFunction("murmur2"), HashFunction::kMurmurHash2);
  EXPECT_EQ(*parseHashFunction("MURMUR_HASH_2"), HashFunction::kMurmurHash2);
  EXPECT_FALSE(parseHashFunction("md5").isOk());
}

TEST(EndpointTest, AddressKeyAsEnvoyPrintsIt) {
  EXPECT_EQ(addressKey("10.1.2.3", 8080), "10.1.2.3:8080");
  EXPECT_EQ(addressKey("fd00::1", 443), "[fd00::1]:443");
}

TEST(EndpointTest, PodEndpoint) {
  auto byName = podEndpoint("10.1.2.3", 50051, "settlement-7d9f-abcde", std::string_view("3"));
  ASSERT_TRUE(byName.isOk());
  EXPECT_EQ(*byName, (Endpoint{"settlement-7d9f-abcde", 3}));
  auto byAddress = podEndpoint("10.1.2.3", 50051, "", std::nullopt);
  ASSERT_TRUE(byAddress.isOk());
  EXPECT_EQ(*byAddress, (Endpoint{"10.1.2.3:50051", 1}));
  auto bad = podEndpoint("10.1.2.3", 50051, "p", std::string_view("-2"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "annotation paymesh.io/weight: weight must be a positive integer, got \"-2\"");
  EXPECT_FALSE(podEndpoint("10.1.2.3", 1, "p", std::string_view("0")).isOk());
  EXPECT_FALSE(podEndpoint("10.1.2.3", 1, "p", std::string_view("heavy")).isOk());
  EXPECT_FALSE(podEndpoint("10.1.2.3", 1, "p", std::string_view("4294967296")).isOk());
}

TEST(EndpointTest, ParseEndpointSpec) {
  EXPECT_EQ(*parseEndpointSpec("10.0.0.1:80"), (Endpoint{"10.0.0.1:80", 1}));
  EXPECT_EQ(*parseEndpointSpec("pod-a=5"), (Endpoint{"pod-a", 5}));
  EXPECT_EQ(*parseEndpointSpec("a=b=2"), (Endpoint{"a=b", 2}));
  EXPECT_FALSE(parseEndpointSpec("=3").isOk());
  EXPECT_FALSE(parseEndpointSpec("a=").isOk());
  EXPECT_FALSE(parseEndpointSpec("a=0").isOk());
  EXPECT_FALSE(parseEndpointSpec("a=-1").isOk());
}

}  // namespace
}  // namespace paymesh::ring
