#include "ring/maglev.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

std::vector<Endpoint> ports(const std::string& prefix, int first, int last) {
  std::vector<Endpoint> out;
  for (int p = first; p <= last; ++p) out.push_back({prefix + std::to_string(p), 1});
  return out;
}

// The key owning each slot, in slot order.
std::vector<std::string> slotKeys(const MaglevTable& t) {
  std::vector<std::string> keys;
  for (uint32_t s : t.slots()) keys.push_back(t.endpoints()[s].key);
  return keys;
}

// Envoy maglev_lb_test.cc, MaglevLoadBalancerTest.Basic: six hosts 127.0.0.1:90..95,
// table size 7, hosts hashed by address; the pick for hash i is slot i % 7.
TEST(MaglevTableTest, EnvoyBasic) {
  auto t = MaglevTable::build(7, ports("127.0.0.1:", 90, 95));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(slotKeys(*t), (std::vector<std::string>{"127.0.0.1:92", "127.0.0.1:94", "127.0.0.1:90", "127.0.0.1:91",
                                                    "127.0.0.1:95", "127.0.0.1:90", "127.0.0.1:93"}));
  const std::vector<int> expected_ports{92, 94, 90, 91, 95, 90, 93};
  for (uint64_t h = 0; h < 21; ++h) {
    EXPECT_EQ(t->lookup(h).key, "127.0.0.1:" + std::to_string(expected_ports[h % 7])) << "hash " << h;
  }
  // BasicWithRetryHostPredicate: hash 10 lands on slot 3, host :91.
  EXPECT_EQ(t->lookup(10).key, "127.0.0.1:91");
  // Envoy's min/max entries per host stats: 1 and 2.
  auto counts = t->slotCounts();
  EXPECT_EQ(*std::min_element(counts.begin(), counts.end()), 1u);
  EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), 2u);
}

// Envoy BasicWithHostName / BasicWithMetadataHashKey: the same hosts hashed by the
// names "90".."95" (hostname or envoy.lb hash_key metadata).
TEST(MaglevTableTest, EnvoyBasicWithHostNameAndHashKey) {
  auto t = MaglevTable::build(7, ports("", 90, 95));
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(slotKeys(*t), (std::vector<std::string>{"92", "95", "90", "93", "94", "91", "90"}));
  auto counts = t->slotCounts();
  EXPECT_EQ(*std::min_element(counts.begin(), counts.end()), 1u);
  EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), 2u);
}

// Envoy MaglevLoadBalancerTest.Weighted: 127.0.0.1:90 weight 1, :91 weight 2, table 17.
TEST(MaglevTableTest, EnvoyWeighted) {
  auto t = MaglevTable::build(17, {{"127.0.0.1:90", 1}, {"127.0.0.1:91", 2}});
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  const std::vector<int> expected{1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1};
  for (uint64_t h = 0; h < 3 * expected.size(); ++h) {
    EXPECT_EQ(t->lookup(h).key, "127.0.0.1:" + std::to_string(90 + expected[h % expected.size()])) << "hash " << h;
  }
  EXPECT_EQ(t->slotCounts(), (std::vector<uint64_t>{6, 11}));
}

// Envoy WeightedSingleHost / SingleHost: one host owns everything.
TEST(MaglevTableTest, SingleHost) {
  auto t = MaglevTable::build(17, {{"127.0.0.1:90", 7}});
  ASSERT_TRUE(t.isOk());
  for (uint64_t h = 0; h < 17; ++h) EXPECT_EQ(t->lookup(h).key, "127.0.0.1:90");
}

// Envoy BasicStability: the table does not depend on the order of the hosts.
TEST(MaglevTableTest, InputOrderDoesNotMatter) {
  auto eps = ports("10.0.0.", 1, 40);
  auto a = MaglevTable::build(65537, eps);
  std::reverse(eps.begin(), eps.end());
  std::swap(eps[3], eps[17]);
  auto b = MaglevTable::build(65537, eps);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->slots(), b->slots());
  EXPECT_EQ(a->endpoints(), b->endpoints());
}

TEST(MaglevTableTest, RejectsNonPrimeAndOutOfRangeSizes) {
  auto eps = ports("h", 1, 3);
  auto r = MaglevTable::build(8, eps);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("prime"), std::string::npos) << r.status().message();
  EXPECT_FALSE(MaglevTable::build(1, eps).isOk());
  EXPECT_FALSE(MaglevTable::build(0, eps).isOk());
  EXPECT_FALSE(MaglevTable::build(5000017, eps).isOk());  // prime, above Envoy's limit
  EXPECT_TRUE(MaglevTable::build(5000011, eps).isOk());
  EXPECT_TRUE(MaglevTable::build(2, eps).isOk());
}

TEST(MaglevTableTest, RejectsBadEndpoints) {
  EXPECT_FALSE(MaglevTable::build(7, {}).isOk());
  EXPECT_FALSE(MaglevTable::build(7, {{"a", 1}, {"a", 2}}).isOk());
  EXPECT_FALSE(MaglevTable::build(7, {{"a", 0}}).isOk());
}

TEST(MaglevTableTest, FromSlotsChecksIndices) {
  EXPECT_TRUE(MaglevTable::fromSlots(3, {{"a", 1}, {"b", 1}}, {0, 1, 0}).isOk());
  EXPECT_FALSE(MaglevTable::fromSlots(3, {{"a", 1}, {"b", 1}}, {0, 2, 0}).isOk());
  EXPECT_FALSE(MaglevTable::fromSlots(3, {{"a", 1}, {"b", 1}}, {0, 1}).isOk());
  EXPECT_FALSE(MaglevTable::fromSlots(3, {{"b", 1}, {"a", 1}}, {0, 1, 0}).isOk());
}

}  // namespace
}  // namespace paymesh::ring
