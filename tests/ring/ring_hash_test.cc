#include "ring/ring_hash.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace paymesh::ring {
namespace {

std::vector<Endpoint> ports(const std::string& prefix, int first, int last) {
  std::vector<Endpoint> out;
  for (int p = first; p <= last; ++p) out.push_back({prefix + std::to_string(p), 1});
  return out;
}

using Points = std::vector<std::pair<std::string, uint64_t>>;

Points points(const RingHash& r) {
  Points out;
  for (size_t i = 0; i < r.hashes().size(); ++i) out.emplace_back(r.endpoints()[r.owners()[i]].key, r.hashes()[i]);
  return out;
}

// Envoy ring_hash_lb_test.cc, RingHashLoadBalancerTest.Basic: hosts 127.0.0.1:90..95,
// minimum_ring_size 12, xxHash.
TEST(RingHashTest, EnvoyBasic) {
  auto r = RingHash::build(12, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("127.0.0.1:", 90, 95));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const std::string p = "127.0.0.1:";
  EXPECT_EQ(points(*r), (Points{{p + "94", 833437586790550860ULL},
                                {p + "92", 928266305478181108ULL},
                                {p + "90", 1033482794131418490ULL},
                                {p + "95", 3551244743356806947ULL},
                                {p + "93", 3851675632748031481ULL},
                                {p + "91", 5583722120771150861ULL},
                                {p + "91", 6311230543546372928ULL},
                                {p + "93", 7700377290971790572ULL},
                                {p + "95", 13144177310400110813ULL},
                                {p + "92", 13444792449719432967ULL},
                                {p + "94", 15516499411664133160ULL},
                                {p + "90", 16117243373044804889ULL}}));
  EXPECT_EQ(r->lookup(0).key, p + "94");
  EXPECT_EQ(r->lookup(std::numeric_limits<uint64_t>::max()).key, p + "94");
  EXPECT_EQ(r->lookup(3551244743356806947ULL).key, p + "95");
  EXPECT_EQ(r->lookup(3551244743356806948ULL).key, p + "93");
  EXPECT_EQ(r->lookup(16117243373044804880ULL).key, p + "90");
  EXPECT_EQ(r->pointCounts(), (std::vector<uint64_t>{2, 2, 2, 2, 2, 2}));
}

// Envoy BasicWithMurmur2: hosts 127.0.0.1:80..85, minimum_ring_size 12, MURMUR_HASH_2.
TEST(RingHashTest, EnvoyBasicWithMurmur2) {
  auto r = RingHash::build(12, kDefaultMaxRingSize, HashFunction::kMurmurHash2, ports("127.0.0.1:", 80, 85));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const std::string p = "127.0.0.1:";
  EXPECT_EQ(points(*r), (Points{{p + "85", 1358027074129602068ULL},
                                {p + "83", 4361834613929391114ULL},
                                {p + "84", 7224494972555149682ULL},
                                {p + "81", 7701421856454313576ULL},
                                {p + "82", 8649315368077433379ULL},
                                {p + "84", 8739448859063030639ULL},
                                {p + "81", 9887544217113020895ULL},
                                {p + "82", 10150910876324007731ULL},
                                {p + "83", 15168472011420622455ULL},
                                {p + "80", 15427156902705414897ULL},
                                {p + "85", 16375050414328759093ULL},
                                {p + "80", 17613279263364193813ULL}}));
  EXPECT_EQ(r->lookup(0).key, p + "85");
  EXPECT_EQ(r->lookup(std::numeric_limits<uint64_t>::max()).key, p + "85");
  EXPECT_EQ(r->lookup(1358027074129602068ULL).key, p + "85");
  EXPECT_EQ(r->lookup(1358027074129602069ULL).key, p + "83");
  EXPECT_EQ(r->lookup(10150910876324007730ULL).key, p + "82");
}

// Envoy BasicWithHostname / BasicWithMetadataHashKey: hosts hashed by "90".."95".
TEST(RingHashTest, EnvoyBasicWithHostnameAndHashKey) {
  auto r = RingHash::build(12, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("", 90, 95));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(points(*r), (Points{{"95", 1975508444536362413ULL},
                                {"95", 2376063919839173711ULL},
                                {"93", 2386806903309390596ULL},
                                {"94", 6749904478991551885ULL},
                                {"93", 6803900775736438537ULL},
                                {"92", 7225015537174310577ULL},
                                {"90", 8787465352164086522ULL},
                                {"92", 11282020843382717940ULL},
                                {"91", 13723418369486627818ULL},
                                {"90", 13776502110861797421ULL},
                                {"91", 14338313586354474791ULL},
                                {"94", 15364271037087512980ULL}}));
  EXPECT_EQ(r->lookup(0).key, "95");
  EXPECT_EQ(r->lookup(std::numeric_limits<uint64_t>::max()).key, "95");
  EXPECT_EQ(r->lookup(7225015537174310577ULL).key, "92");
  EXPECT_EQ(r->lookup(6803900775736438537ULL).key, "93");
}

// Envoy UnevenHosts: 2 hosts, minimum_ring_size 3 -> 2 points each.
TEST(RingHashTest, EnvoyUnevenHosts) {
  auto r = RingHash::build(3, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("127.0.0.1:", 80, 81));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(points(*r), (Points{{"127.0.0.1:80", 5454692015285649509ULL},
                                {"127.0.0.1:81", 7859399908942313493ULL},
                                {"127.0.0.1:80", 13838424394637650569ULL},
                                {"127.0.0.1:81", 16064866803292627174ULL}}));
  EXPECT_EQ(r->lookup(0).key, "127.0.0.1:80");
  auto r2 = RingHash::build(3, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("127.0.0.1:", 81, 82));
  ASSERT_TRUE(r2.isOk());
  EXPECT_EQ(points(*r2), (Points{{"127.0.0.1:81", 7859399908942313493ULL},
                                 {"127.0.0.1:82", 8241336090459785962ULL},
                                 {"127.0.0.1:82", 12882406409176325258ULL},
                                 {"127.0.0.1:81", 16064866803292627174ULL}}));
  EXPECT_EQ(r2->lookup(0).key, "127.0.0.1:81");
}

// Envoy HostWeightedTinyRing: weights 1, 2, 3 and a ring of exactly 6 points.
TEST(RingHashTest, EnvoyHostWeightedTinyRing) {
  auto r =
      RingHash::build(6, 6, HashFunction::kXxHash64, {{"127.0.0.1:90", 1}, {"127.0.0.1:91", 2}, {"127.0.0.1:92", 3}});
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->hashes().size(), 6u);
  EXPECT_EQ(r->pointCounts(), (std::vector<uint64_t>{1, 2, 3}));
  const std::vector<std::pair<uint64_t, int>> expected{{928266305478181108ULL, 92},   {4443673547860492590ULL, 92},
                                                       {5583722120771150861ULL, 91},  {6311230543546372928ULL, 91},
                                                       {13444792449719432967ULL, 92}, {16117243373044804889ULL, 90}};
  for (const auto& [hash, port] : expected) {
    EXPECT_EQ(r->lookup(hash).key, "127.0.0.1:" + std::to_string(port)) << hash;
  }
}

TEST(RingHashTest, DefaultSizesGiveAtLeastMinimumPoints) {
  auto r = RingHash::build(kDefaultMinRingSize, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("10.0.0.", 1, 3));
  ASSERT_TRUE(r.isOk());
  // scale = ceil(1024 / 3) * 3 = 1026 points, 342 each.
  EXPECT_EQ(r->hashes().size(), 1026u);
  EXPECT_EQ(r->pointCounts(), (std::vector<uint64_t>{342, 342, 342}));
}

TEST(RingHashTest, MaximumCapsTheRing) {
  // Weights 1 and 10000: one point for the light endpoint means a ring of 10001; the
  // maximum caps it at 4096 and the light endpoint keeps its one point.
  auto r = RingHash::build(1024, 4096, HashFunction::kXxHash64, {{"a", 1}, {"b", 10000}});
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->hashes().size(), 4096u);
  EXPECT_EQ(r->pointCounts(), (std::vector<uint64_t>{1, 4095}));
}

TEST(RingHashTest, InputOrderDoesNotMatter) {
  std::vector<Endpoint> eps{{"c", 3}, {"a", 1}, {"b", 2}, {"d", 7}};
  auto a = RingHash::build(100, 1000, HashFunction::kXxHash64, eps);
  std::reverse(eps.begin(), eps.end());
  auto b = RingHash::build(100, 1000, HashFunction::kXxHash64, eps);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->hashes(), b->hashes());
  EXPECT_EQ(a->owners(), b->owners());
}

TEST(RingHashTest, RejectsBadSizes) {
  auto eps = ports("h", 1, 2);
  auto r = RingHash::build(20, 10, HashFunction::kXxHash64, eps);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "minimum ring size (20) > maximum ring size (10)");
  EXPECT_FALSE(RingHash::build(0, 10, HashFunction::kXxHash64, eps).isOk());
  EXPECT_FALSE(RingHash::build(1, kMaxRingSizeLimit + 1, HashFunction::kXxHash64, eps).isOk());
}

TEST(RingHashTest, FromPointsChecksOrderAndOwners) {
  std::vector<Endpoint> eps{{"a", 1}, {"b", 1}};
  EXPECT_TRUE(RingHash::fromPoints(2, 2, HashFunction::kXxHash64, eps, {1, 5}, {0, 1}).isOk());
  EXPECT_FALSE(RingHash::fromPoints(2, 2, HashFunction::kXxHash64, eps, {5, 1}, {0, 1}).isOk());
  EXPECT_FALSE(RingHash::fromPoints(2, 2, HashFunction::kXxHash64, eps, {1, 5}, {0, 2}).isOk());
  EXPECT_FALSE(RingHash::fromPoints(2, 2, HashFunction::kXxHash64, eps, {1, 5}, {0}).isOk());
  EXPECT_FALSE(RingHash::fromPoints(2, 2, HashFunction::kXxHash64, eps, {}, {}).isOk());
}

// The bucketed lookup gives the same point as a plain binary search over the ring.
TEST(RingHashTest, LookupEqualsBinarySearch) {
  for (uint64_t size : {1u, 2u, 7u, 1000u, 70000u}) {
    auto r = RingHash::build(size, size, HashFunction::kXxHash64, ports("10.0.0.", 1, 5));
    ASSERT_TRUE(r.isOk());
    const auto& h = r->hashes();
    auto reference = [&](uint64_t x) {
      auto it = std::lower_bound(h.begin(), h.end(), x);
      return r->owners()[it == h.end() ? 0 : static_cast<size_t>(it - h.begin())];
    };
    std::vector<uint64_t> probes{0, 1, std::numeric_limits<uint64_t>::max(), uint64_t{1} << 63};
    for (size_t i = 0; i < h.size(); i += 1 + h.size() / 500) {
      probes.push_back(h[i]);
      probes.push_back(h[i] - 1);
      probes.push_back(h[i] + 1);
    }
    uint64_t x = 12345;
    for (int i = 0; i < 2000; ++i) probes.push_back(x = x * 6364136223846793005ULL + 1442695040888963407ULL);
    for (uint64_t p : probes) EXPECT_EQ(r->lookupIndex(p), reference(p)) << "size " << size << " hash " << p;
  }
}

TEST(RingHashTest, PointCountPredictsBuild) {
  std::vector<Endpoint> eps;
  for (uint32_t i = 0; i < 40; ++i) {
    eps.push_back({"pod-" + std::to_string(i), 1 + (i * 7919) % 13});
    for (auto [min, max] :
         {std::pair<uint64_t, uint64_t>{1, 1}, {3, 5}, {12, 8388608}, {1024, 8388608}, {1000, 1500}, {4096, 4096}}) {
      auto canon = canonicalEndpoints(eps);
      ASSERT_TRUE(canon.isOk());
      auto r = RingHash::build(min, max, HashFunction::kXxHash64, eps);
      ASSERT_TRUE(r.isOk());
      EXPECT_EQ(RingHash::pointCount(min, max, *canon), r->hashes().size()) << i << " " << min << " " << max;
    }
  }
}

TEST(RingHashTest, SharesCoverTheHashSpace) {
  auto r = RingHash::build(1024, kDefaultMaxRingSize, HashFunction::kXxHash64, ports("10.0.0.", 1, 10));
  ASSERT_TRUE(r.isOk());
  double total = 0;
  for (double s : r->hashSpaceShares()) total += s;
  EXPECT_NEAR(total, 1.0, 1e-9);
}

}  // namespace
}  // namespace paymesh::ring
