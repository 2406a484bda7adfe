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

TEST(SidecarConfigTest, EveryFileAndTheHash) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "payment");
  EXPECT_EQ(cfg.config_hash.rfind("sha256:", 0), 0u);
  std::vector<std::string> keys;
  for (const auto& [k, v] : cfg.files) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"cds.yaml", "eds-clearing.json", "eds-settlement-standby.json",
                                            "eds-settlement.json", "envoy.yaml", "lds.yaml", "sds-certificate.yaml",
                                            "sds-trust-bundle.yaml"}));
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
    if (name == "eds-clearing.json") {
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
  EXPECT_FALSE(cfg.files.count("eds-clearing.json"));
}

TEST(SidecarConfigTest, ServicesWithoutEndpointsStillRender) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  space.endpoints.erase("settlement-standby");
  auto cfg = render(space, "payment");
  EXPECT_EQ(cfg.without_endpoints, std::vector<std::string>{"settlement-standby"});
  json eds = file(cfg, "eds-settlement-standby.json");
  EXPECT_EQ(eds["resources"][0]["endpoints"], json::array());
  EXPECT_EQ(eds["resources"][0]["cluster_name"], "outbound|settlement-standby");
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
  for (const auto& l : b["static_resources"]["listeners"])
    ports.push_back(l["address"]["socket_address"]["port_value"]);
  EXPECT_EQ(ports, (std::vector<int>{15021, 15090}));
}

// The SDS files exist when a TLS context names them, and only then: ledger runs
// without mTLS and calls nobody, clearing (STRICT) calls ledger in plain text.
TEST(SidecarConfigTest, SdsFilesOnlyWhenATlsContextNamesThem) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  EXPECT_FALSE(render(space, "ledger").files.count("sds-certificate.yaml"));
  EXPECT_TRUE(render(space, "clearing").files.count("sds-certificate.yaml"));
  // A service without inbound mTLS still presents its certificate to an mTLS dependency.
  space.services.at("ledger").spec.dependencies.push_back({"settlement-standby", {}});
  auto cfg = render(space, "ledger");
  EXPECT_TRUE(cfg.files.count("sds-certificate.yaml"));
  EXPECT_TRUE(cfg.files.count("sds-trust-bundle.yaml"));
}

TEST(SidecarConfigTest, DisabledTlsHasNoInboundListener) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "ledger");
  EXPECT_EQ(file(cfg, "lds.yaml")["resources"], json::array());
}

}  // namespace
}  // namespace paymesh::policy

#include "ring/ring_json.h"

namespace paymesh::policy {
namespace {

TEST(SidecarConfigTest, RingJsonNamesThePodEnvoyPicks) {
  auto in = testing::exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto cfg = testing::render(space, "settlement");
  ASSERT_TRUE(cfg.files.count("ring.json"));
  auto published = ring::parseRingJson(cfg.files.at("ring.json"));
  ASSERT_TRUE(published.isOk()) << published.status().message();
  EXPECT_EQ(cfg.ring_checksum, ring::ringChecksum(*published));
  // Keys and order are those of the endpoint file callers use for settlement.
  auto eds = testing::file(testing::render(space, "payment"), "eds-settlement.json");
  std::vector<std::string> eds_keys, ring_keys;
  for (const auto& ep : eds["resources"][0]["endpoints"][0]["lb_endpoints"]) {
    eds_keys.push_back(ep["endpoint"]["hostname"]);
  }
  for (const auto& ep : published->endpoints()) {
    ring_keys.push_back(ep.key);
    EXPECT_EQ(ep.weight, 1u);
  }
  EXPECT_EQ(ring_keys, eds_keys);
  EXPECT_EQ(published->spec().tableSize, 65537u);
  // No ring for services that do not hash, or have nobody to hash to.
  EXPECT_FALSE(testing::render(space, "payment").files.count("ring.json"));
  space.endpoints.erase("settlement");
  EXPECT_FALSE(testing::render(space, "settlement").files.count("ring.json"));
}

// 1,000 endpoints in every endpoint file and in the ring: the ConfigMap must stay well
// under the 1 MiB object limit. The size is printed for docs/sidecar-config.md.
TEST(SidecarConfigTest, ThousandEndpointsFitInAConfigMap) {
  auto in = testing::exampleInputs();
  auto& space = in.namespaces.at("payments");
  for (auto& [name, eps] : space.endpoints) {
    eps.clear();
    for (int i = 0; i < 1000; ++i) {
      eps.push_back({name + "-" + std::to_string(100000 + i),
                     "10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".7", 1, true});
    }
  }
  for (const char* svc : {"settlement", "payment"}) {
    auto cfg = testing::render(space, svc);
    size_t total = 0;
    for (const auto& [k, v] : cfg.files) total += k.size() + v.size();
    std::printf("ConfigMap %s-paymesh with 1,000 endpoints per service: %zu bytes\n", svc, total);
    EXPECT_LT(total, 1024u * 1024u) << svc;
  }
}

}  // namespace
}  // namespace paymesh::policy
