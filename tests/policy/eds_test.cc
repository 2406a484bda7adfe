#include "policy/eds.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "policy/cluster.h"
#include "policy/names.h"
#include "render_fixture.h"
#include "support/run_command.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using testing::exampleInputs;
using testing::file;
using testing::render;

json lbEndpoints(const json& eds) { return eds["resources"][0]["endpoints"][0]["lb_endpoints"]; }

// A JSON endpoint file as protobuf's text format, the way `protoc --decode` prints the
// binary form (an Any as its type URL and value; wrapper fields as { value: N }): the
// field names come from the JSON, so the two forms are compared name by name.
class TextFormat {
public:
  std::string print(const json& object) {
    fields(object);
    return out_;
  }

private:
  void fields(const json& object) {
    for (const auto& [key, value] : object.items()) {
      if (key == "@type") continue;
      if (value.is_array()) {
        for (const auto& element : value) field(key, element);
      } else {
        field(key, value);
      }
    }
  }
  void field(const std::string& key, const json& value) {
    if (value.is_object()) {
      open(key);
      if (value.contains("@type")) {  // an Any: its type URL, then its value
        line("type_url: \"" + value["@type"].get<std::string>() + "\"");
        open("value");
        fields(value);
        close();
      } else {
        fields(value);
      }
      close();
    } else if (value.is_string()) {
      line(key + ": \"" + value.get<std::string>() + "\"");
    } else if (key == "load_balancing_weight" || key == "overprovisioning_factor") {  // UInt32Value
      open(key);
      line("value: " + value.dump());
      close();
    } else {
      line(key + ": " + value.dump());
    }
  }
  void open(const std::string& key) { line(key + " {"), ++depth_; }
  void close() { --depth_, line("}"); }
  void line(const std::string& s) { out_ += std::string(2 * depth_, ' ') + s + "\n"; }
  std::string out_;
  int depth_ = 0;
};

std::string protocDecode(const std::string& bytes) {
  auto decoded =
      paymesh::testing::runCommand(std::string("protoc --decode=envoy.config.endpoint.v3.DiscoveryResponse -I ") +
                                       PAYMESH_SOURCE_DIR "/tests/policy/testdata -I /usr/include eds_messages.proto",
                                   bytes);
  EXPECT_EQ(decoded.exit_code, 0) << decoded.err;
  return decoded.out;
}

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

// The ring's key is the hostname (the cluster hashes it: cluster_test), never metadata:
// one copy of the pod name per endpoint.
TEST(EdsTest, EveryEndpointIsNamedByItsPodAndOnlyReadyPodsAreListed) {
  auto in = exampleInputs();
  auto cfg = render(in.namespaces.at("payments"), "payment");
  json settlement = lbEndpoints(file(cfg, "eds-settlement.json"));
  ASSERT_EQ(settlement.size(), 2u);  // the third pod is not Ready
  EXPECT_EQ(settlement[0]["endpoint"]["hostname"], "settlement-7d9f8-ax0q");
  EXPECT_EQ(settlement[0]["endpoint"]["address"]["socket_address"]["port_value"], 15443);
  for (const auto& [name, content] : cfg.files) {
    if (!isEdsFile(name)) continue;
    for (const auto& ep : lbEndpoints(file(cfg, name))) EXPECT_FALSE(ep.contains("metadata")) << name;
  }
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

// The binary form says what the JSON form says, field by field, as protoc reads it with
// Envoy's field numbers (testdata/eds_messages.proto), for
// every example service (weights, a fallback's policy, an application port) and with no
// endpoint at all.
TEST(EdsTest, TheBinaryFileHoldsWhatTheJsonFileHolds) {
  auto in = exampleInputs();
  const auto& space = in.namespaces.at("payments");
  for (const auto& [name, target] : space.services) {
    auto it = space.endpoints.find(name);
    auto ready =
        model::readyEndpoints(it == space.endpoints.end() ? std::vector<model::ServiceEndpoint>{} : it->second);
    for (bool none : {false, true}) {
      if (none) ready.clear();
      json as_json = json::parse(endpointsFile(target, ready, testing::defaultMesh()));
      EXPECT_EQ(protocDecode(endpointsFileBinary(target, ready, testing::defaultMesh())), TextFormat().print(as_json))
          << name;
    }
  }
}

// Deployment-style pod names and 10.x addresses, `count` of them.
std::vector<model::ServiceEndpoint> manyEndpoints(const std::string& service, size_t count) {
  std::vector<model::ServiceEndpoint> out;
  for (size_t i = 0; i < count; ++i) {
    model::ServiceEndpoint ep;
    char suffix[24];
    std::snprintf(suffix, sizeof(suffix), "%05zx", i);
    ep.pod_name = service + "-7d9f8c6b5d-" + suffix;
    ep.ip =
        "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
    ep.ready = true;
    out.push_back(ep);
  }
  return model::readyEndpoints(out);
}

// JSON while it fits one ConfigMap, binary past it: a dependency of 20,000 endpoints
// stays within one ConfigMap, and the cluster names the file that exists.
TEST(EdsTest, AnEndpointFileTooLargeForAConfigMapAsJsonIsWrittenInBinary) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  const auto& clearing = space.services.at("clearing");
  auto small = endpointsFileFor(clearing, manyEndpoints("clearing", 500), testing::defaultMesh());
  EXPECT_EQ(small.name, "eds-clearing.json");
  auto large = endpointsFileFor(clearing, manyEndpoints("clearing", 20000), testing::defaultMesh());
  EXPECT_EQ(large.name, "eds-clearing.pb");
  EXPECT_LE(large.content.size(), kMaxConfigMapDataBytes);
  std::printf("20,000 consistent-hash endpoints: %zu bytes binary, %zu as JSON\n", large.content.size(),
              endpointsFile(clearing, manyEndpoints("clearing", 20000), testing::defaultMesh()).size());

  space.endpoints["clearing"] = manyEndpoints("clearing", 20000);
  auto cfg = render(space, "payment");
  EXPECT_FALSE(cfg.files.count("eds-clearing.json"));
  ASSERT_TRUE(cfg.files.count("eds-clearing.pb"));
  EXPECT_EQ(cfg.files.at("eds-clearing.pb"), large.content);
  json cds = file(cfg, "cds.yaml");
  bool named = false;
  for (const auto& c : cds["resources"])
    if (c["name"] == "outbound|clearing")
      named = c["eds_cluster_config"]["eds_config"]["path_config_source"]["path"] == configPath("eds-clearing.pb");
  EXPECT_TRUE(named) << cds.dump();
}

}  // namespace
}  // namespace paymesh::policy
