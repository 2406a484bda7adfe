#include "policy/eds.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using testing::exampleInputs;
using testing::file;
using testing::render;

json lbEndpoints(const json& eds) { return eds["resources"][0]["endpoints"][0]["lb_endpoints"]; }

TEST(EdsTest, WeightsOnlyForWeightedRoundRobin) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "payment");
  for (const auto& [name, content] : cfg.files) {
    if (name.rfind("eds-", 0) != 0) continue;
    bool weighted = name == "eds-settlement-standby.json";
    for (const auto& ep : lbEndpoints(file(cfg, name))) {
      EXPECT_EQ(ep.contains("load_balancing_weight"), weighted) << name;
    }
  }
  json standby = lbEndpoints(file(cfg, "eds-settlement-standby.json"));
  EXPECT_EQ(standby[0]["load_balancing_weight"], 3);
  EXPECT_EQ(standby[1]["load_balancing_weight"], 1);
}

TEST(EdsTest, HashKeysOnlyForConsistentHashAndReadyPodsOnly) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "payment");
  json settlement = lbEndpoints(file(cfg, "eds-settlement.json"));
  ASSERT_EQ(settlement.size(), 2u);  // the third pod is not Ready
  EXPECT_EQ(settlement[0]["metadata"]["filter_metadata"]["envoy.lb"]["hash_key"], "settlement-7d9f8-ax0q");
  EXPECT_EQ(settlement[0]["endpoint"]["address"]["socket_address"]["port_value"], 15443);
  for (const auto& ep : lbEndpoints(file(cfg, "eds-settlement-standby.json"))) EXPECT_FALSE(ep.contains("metadata"));
}

TEST(EdsTest, DisabledTargetsAreReachedAtTheirAppPort) {
  auto in = exampleInputs();
  json ledger = lbEndpoints(file(render(in.namespaces.at("payments"), "clearing"), "eds-ledger.json"));
  EXPECT_EQ(ledger[0]["endpoint"]["address"]["socket_address"]["port_value"], 5432);
}

// Envoy's priority load for two priorities (arch overview, "Priority levels"): health(P)
// = min(100, factor x healthy / total), in Envoy's integer percent arithmetic.
int primaryShare(uint64_t factor, uint64_t healthy, uint64_t total, uint64_t fallback_health = 100) {
  uint64_t p0 = total == 0 ? 0 : std::min<uint64_t>(100, factor * healthy / total);
  uint64_t normalized = std::min<uint64_t>(100, p0 + fallback_health);
  return normalized == 0 ? 0 : static_cast<int>(std::min<uint64_t>(100, p0 * 100 / normalized));
}

TEST(EdsTest, APrimaryWithAFallbackKeepsAllTrafficWhileOneEndpointIsHealthy) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto cfg = render(space, "payment");
  json primary = file(cfg, "eds-settlement.json")["resources"][0];
  ASSERT_EQ(lbEndpoints(file(cfg, "eds-settlement.json")).size(), 2u);
  EXPECT_EQ(primary["policy"]["overprovisioning_factor"], 200);
  // Only the primary of an aggregate carries it: alone in its cluster, a service has
  // one priority and nothing to spill to.
  EXPECT_FALSE(file(cfg, "eds-settlement-standby.json")["resources"][0].contains("policy"));
  EXPECT_FALSE(file(cfg, "eds-clearing.json")["resources"][0].contains("policy"));

  // The arithmetic, for any size: one healthy endpoint of N keeps 100% on the primary;
  // none sends everything to the fallback.
  for (uint64_t n : {1, 2, 3, 10, 1000, 50000}) {
    for (uint64_t healthy = 1; healthy <= n; healthy += std::max<uint64_t>(1, n / 7))
      EXPECT_EQ(primaryShare(primaryOverprovisioningFactor(n), healthy, n), 100) << healthy << "/" << n;
    EXPECT_EQ(primaryShare(primaryOverprovisioningFactor(n), 0, n), 0) << n;
  }
  // Envoy's default (140) would move 7% of payments to the standby with 2 of 3 healthy.
  EXPECT_EQ(primaryShare(140, 2, 3), 93);
  EXPECT_EQ(primaryShare(140, 3, 3), 100);
}

}  // namespace
}  // namespace paymesh::policy
