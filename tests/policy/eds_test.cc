#include "policy/eds.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace paymesh::policy
