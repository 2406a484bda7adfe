#include "ring/ring.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ring/hash.h"

namespace paymesh::ring {
namespace {

std::vector<Endpoint> pods(size_t n) {
  std::vector<Endpoint> out;
  for (size_t i = 0; i < n; ++i) out.push_back({"settlement-" + std::to_string(i), 1});
  return out;
}

RingSpec maglevSpec(uint64_t size = kDefaultTableSize) {
  RingSpec s;
  s.tableSize = size;
  return s;
}

RingSpec ringHashSpec() {
  RingSpec s;
  s.algorithm = Algorithm::kRingHash;
  return s;
}

// The key owning each of `samples` request hashes (a fixed pseudo-random sequence).
std::vector<std::string> owners(const Ring& ring, size_t samples) {
  std::mt19937_64 rng(42);
  std::vector<std::string> out;
  out.reserve(samples);
  for (size_t i = 0; i < samples; ++i) out.push_back(ring.lookup(rng()).key);
  return out;
}

TEST(RingTest, LookupByKeyHashesLikeTheHeaderPolicy) {
  auto r = Ring::build(maglevSpec(7), {{"127.0.0.1:90", 1}, {"127.0.0.1:91", 1}, {"127.0.0.1:92", 1}});
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(&r->lookupKey("pay-123"), &r->lookup(xxHash64("pay-123")));
  EXPECT_EQ(r->lookupIndex(xxHash64("pay-123")), r->maglev()->slots()[xxHash64("pay-123") % 7]);
}

TEST(RingTest, SpecKeepsOnlyTheAlgorithmsParameters) {
  RingSpec s = maglevSpec(7);
  s.minRingSize = 5;  // ignored for maglev
  auto r = Ring::build(s, pods(3));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->spec(), maglevSpec(7));
  ASSERT_NE(r->maglev(), nullptr);
  EXPECT_EQ(r->ringHash(), nullptr);
}

// Maglev over 100 equal endpoints: each gets floor or ceil of M / N slots.
TEST(RingPropertyTest, MaglevBalance) {
  auto r = Ring::build(maglevSpec(), pods(100));
  ASSERT_TRUE(r.isOk());
  auto counts = r->maglev()->slotCounts();
  const double mean = static_cast<double>(kDefaultTableSize) / 100.0;
  const auto [mn, mx] = std::minmax_element(counts.begin(), counts.end());
  const double ratio = static_cast<double>(*mx) / mean;
  std::printf("maglev M=65537 N=100: slots per endpoint min %llu max %llu mean %.2f, max/mean %.5f\n",
              static_cast<unsigned long long>(*mn), static_cast<unsigned long long>(*mx), mean, ratio);
  EXPECT_LE(ratio, 1.01);
}

// Removing one endpoint moves its own slots plus at most 1% of the table.
TEST(RingPropertyTest, MaglevRemovalMovesFewSlots) {
  for (size_t n : {10u, 100u, 1000u}) {
    auto eps = pods(n);
    auto before = Ring::build(maglevSpec(), eps);
    const std::string removed = eps[n / 2].key;
    eps.erase(eps.begin() + static_cast<long>(n / 2));
    auto after = Ring::build(maglevSpec(), eps);
    ASSERT_TRUE(before.isOk() && after.isOk());
    uint64_t own = 0, extra = 0;
    for (uint64_t slot = 0; slot < kDefaultTableSize; ++slot) {
      const auto& was = before->lookup(slot).key;
      if (was == removed) {
        ++own;
      } else if (was != after->lookup(slot).key) {
        ++extra;
      }
    }
    const double extra_pct = 100.0 * static_cast<double>(extra) / kDefaultTableSize;
    std::printf("maglev M=65537 N=%zu remove one: own slots %llu, other slots moved %llu (%.3f%%)\n", n,
                static_cast<unsigned long long>(own), static_cast<unsigned long long>(extra), extra_pct);
    EXPECT_LE(extra_pct, 1.0) << "N=" << n;
  }
}

// Ring hash at default sizes: report balance (share of the hash space) and movement.
TEST(RingPropertyTest, RingHashBalanceAndMovementReport) {
  for (size_t n : {100u, 1000u}) {
    auto eps = pods(n);
    auto before = Ring::build(ringHashSpec(), eps);
    ASSERT_TRUE(before.isOk());
    auto shares = before->ringHash()->hashSpaceShares();
    const auto [mn, mx] = std::minmax_element(shares.begin(), shares.end());
    const double mean = 1.0 / static_cast<double>(n);
    const std::string removed = eps[n / 2].key;
    eps.erase(eps.begin() + static_cast<long>(n / 2));
    auto after = Ring::build(ringHashSpec(), eps);
    ASSERT_TRUE(after.isOk());
    // Movement measured over 200k request hashes.
    const size_t samples = 200000;
    auto a = owners(*before, samples), b = owners(*after, samples);
    size_t own = 0, extra = 0;
    for (size_t i = 0; i < samples; ++i) {
      if (a[i] == removed)
        ++own;
      else if (a[i] != b[i])
        ++extra;
    }
    std::printf(
        "ring-hash N=%zu points %zu: share min/mean %.3f max/mean %.3f; remove one: own %.3f%%, other "
        "keys moved %.3f%%\n",
        n, before->ringHash()->hashes().size(), *mn / mean, *mx / mean, 100.0 * own / samples, 100.0 * extra / samples);
    // Ketama moves almost only the removed endpoint's keys: the rest move only when the
    // new weights round some endpoint's point count differently.
    EXPECT_LE(100.0 * extra / samples, 1.0);
    EXPECT_GT(*mn, 0.0);
  }
}

TEST(RingPropertyTest, ResultsDoNotDependOnInputOrder) {
  auto eps = pods(257);
  for (auto& e : eps) e.weight = 1 + static_cast<uint32_t>(std::hash<std::string>{}(e.key) % 5);
  for (const RingSpec& spec : {maglevSpec(), ringHashSpec()}) {
    auto a = Ring::build(spec, eps);
    auto shuffled = eps;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
    auto b = Ring::build(spec, shuffled);
    ASSERT_TRUE(a.isOk() && b.isOk());
    EXPECT_EQ(a->endpoints(), b->endpoints());
    EXPECT_EQ(owners(*a, 5000), owners(*b, 5000));
  }
}

// Weights are honoured: an endpoint of weight 3 gets about three times the slots.
TEST(RingPropertyTest, WeightsAreHonoured) {
  std::vector<Endpoint> eps{{"a", 1}, {"b", 3}, {"c", 1}, {"d", 3}};
  auto m = Ring::build(maglevSpec(), eps);
  ASSERT_TRUE(m.isOk());
  auto counts = m->maglev()->slotCounts();
  EXPECT_NEAR(static_cast<double>(counts[1]) / counts[0], 3.0, 0.05);
  auto r = Ring::build(ringHashSpec(), eps);
  ASSERT_TRUE(r.isOk());
  auto points = r->ringHash()->pointCounts();
  // min weight 1/8: scale = ceil(1024 / 8) * 8 = 1024 points, 128 per unit of weight.
  EXPECT_EQ(points, (std::vector<uint64_t>{128, 384, 128, 384}));
}

}  // namespace
}  // namespace paymesh::ring
