#include "policy/sidecar_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using testing::exampleInputs;
using testing::file;
using testing::render;

TEST(SidecarConfigTest, ConfigMapCarriesEveryFileAndTheHash) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "payment");
  EXPECT_EQ(cfg.config_map["metadata"]["name"], "payment-paymesh");
  EXPECT_EQ(cfg.config_map["metadata"]["namespace"], "payments");
  EXPECT_EQ(cfg.config_map["metadata"]["annotations"]["paymesh.io/config-hash"], cfg.config_hash);
  EXPECT_EQ(cfg.config_hash.rfind("sha256:", 0), 0u);
  std::vector<std::string> keys;
  for (const auto& [k, v] : cfg.files) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"cds.yaml", "eds-clearing.yaml", "eds-settlement-standby.yaml",
                                            "eds-settlement.yaml", "envoy.yaml", "lds.yaml"}));
  EXPECT_TRUE(cfg.missing.empty());
  EXPECT_EQ(cfg.config_hash, configHash(cfg.files));
}

TEST(SidecarConfigTest, SameInputsInAnyOrderGiveIdenticalBytes) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto want = render(space, "payment");
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    for (auto& [name, eps] : space.endpoints) std::shuffle(eps.begin(), eps.end(), rng);
    auto got = render(space, "payment");
    EXPECT_EQ(got.files, want.files);
    EXPECT_EQ(got.config_hash, want.config_hash);
  }
}

TEST(SidecarConfigTest, AnEndpointChangeRewritesOnlyThatEndpointFile) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto before = render(space, "payment");
  space.endpoints["clearing"].push_back({"clearing-new", "10.9.9.9", 1, true});
  auto after = render(space, "payment");
  for (const auto& [name, content] : before.files) {
    if (name == "eds-clearing.yaml") {
      EXPECT_NE(after.files.at(name), content);
      EXPECT_NE(after.files.at(name).find("10.9.9.9"), std::string::npos);
    } else {
      EXPECT_EQ(after.files.at(name), content) << name << " changed";
    }
  }
  EXPECT_NE(after.config_hash, before.config_hash);
  // A pod that is not ready changes nothing.
  space.endpoints["clearing"].push_back({"clearing-starting", "10.9.9.10", 1, false});
  EXPECT_EQ(render(space, "payment").files, after.files);
}

TEST(SidecarConfigTest, MissingDependenciesAreListedAndTheRestRenders) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  space.services.erase("clearing");
  auto cfg = render(space, "payment");
  EXPECT_EQ(cfg.missing, std::vector<std::string>{"clearing"});
  json lds = file(cfg, "lds.yaml");
  std::vector<std::string> names;
  for (const auto& l : lds["resources"]) names.push_back(l["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"inbound", "outbound|settlement"}));
  EXPECT_FALSE(cfg.files.count("eds-clearing.yaml"));
}

TEST(SidecarConfigTest, ServicesWithoutEndpointsStillRender) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  space.endpoints.erase("settlement-standby");
  auto cfg = render(space, "payment");
  EXPECT_EQ(cfg.without_endpoints, std::vector<std::string>{"settlement-standby"});
  json eds = file(cfg, "eds-settlement-standby.yaml");
  EXPECT_EQ(eds["resources"][0]["endpoints"], json::array());
  EXPECT_EQ(eds["resources"][0]["cluster_name"], "outbound|settlement-standby");
}

TEST(SidecarConfigTest, OwnerReferenceWhenTheObjectHasAUid) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  EXPECT_FALSE(render(space, "ledger").config_map["metadata"].contains("ownerReferences"));
  space.services.at("ledger").metadata.uid = "1234-abcd";
  auto owner = render(space, "ledger").config_map["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "PaymentService");
  EXPECT_EQ(owner["uid"], "1234-abcd");
  EXPECT_EQ(owner["controller"], true);
}

TEST(SidecarConfigTest, BootstrapKeepsAdminOnLoopbackAndWatchesTheMount) {
  auto in = exampleInputs();
  json b = file(render(in.namespaces.at("payments"), "settlement"), "envoy.yaml");
  EXPECT_EQ(b["admin"]["address"]["socket_address"]["address"], "127.0.0.1");
  EXPECT_EQ(b["node"]["cluster"], "settlement.payments");
  for (const char* k : {"lds_config", "cds_config"}) {
    EXPECT_EQ(b["dynamic_resources"][k]["path_config_source"]["watched_directory"]["path"], "/etc/paymesh/config");
  }
  std::vector<int> ports;
  for (const auto& l : b["static_resources"]["listeners"]) ports.push_back(l["address"]["socket_address"]["port_value"]);
  EXPECT_EQ(ports, (std::vector<int>{15021, 15090}));
}

TEST(SidecarConfigTest, DisabledTlsHasNoInboundListener) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "ledger");
  EXPECT_EQ(file(cfg, "lds.yaml")["resources"], json::array());
}

}  // namespace
}  // namespace paymesh::policy
