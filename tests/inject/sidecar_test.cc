#include "inject/sidecar.h"

#include <gtest/gtest.h>

#include "inject/names.h"
#include "test_inputs.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

TEST(SidecarTest, NativeSidecarIsARestartingInitContainerWithAStartupProbe) {
  json c = sidecarContainer(testing::defaultMesh());
  EXPECT_EQ(c["name"], kProxyContainer);
  EXPECT_EQ(c["restartPolicy"], "Always");
  EXPECT_EQ(c["startupProbe"]["httpGet"], (json{{"path", "/healthz/ready"}, {"port", 15021}, {"scheme", "HTTP"}}));
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["port"], 15021);
}

TEST(SidecarTest, ClassicSidecarIsAPlainContainer) {
  json c = sidecarContainer(testing::mesh(R"({"sidecar": {"mode": "Classic"}})"));
  EXPECT_FALSE(c.contains("restartPolicy"));
  EXPECT_FALSE(c.contains("startupProbe"));
  EXPECT_TRUE(c.contains("readinessProbe"));
}

TEST(SidecarTest, LockedDown) {
  json sc = sidecarContainer(testing::defaultMesh())["securityContext"];
  EXPECT_EQ(sc["runAsUser"], 1337);
  EXPECT_EQ(sc["runAsGroup"], 1337);
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["privileged"], false);
  EXPECT_EQ(sc["capabilities"], (json{{"drop", {"ALL"}}}));
  EXPECT_EQ(sc["seccompProfile"], (json{{"type", "RuntimeDefault"}}));
}

TEST(SidecarTest, ImageArgsAndResourcesFromTheMeshConfig) {
  json c = sidecarContainer(testing::mesh(R"({"sidecar": {"image": "registry.local/envoy:1.31", "logLevel": "info",
    "concurrency": 4, "cpuRequest": "250m", "cpuLimit": "2", "memoryRequest": "64Mi", "memoryLimit": "1Gi",
    "imagePullPolicy": "Always", "args": ["--drain-time-s", "20"]}})"));
  EXPECT_EQ(c["image"], "registry.local/envoy:1.31");
  EXPECT_EQ(c["imagePullPolicy"], "Always");
  EXPECT_EQ(c["command"], json::array({"envoy"}));
  EXPECT_EQ(c["args"], json::parse(R"j(["-c", "/etc/paymesh/config/envoy.yaml", "--service-node",
    "$(POD_NAME).$(POD_NAMESPACE)", "--log-level", "info", "--concurrency", "4", "--disable-hot-restart",
    "--drain-time-s", "20"])j"));
  EXPECT_EQ(c["resources"], json::parse(R"({"requests": {"cpu": "250m", "memory": "64Mi"},
    "limits": {"cpu": "2", "memory": "1Gi"}})"));
  EXPECT_FALSE(sidecarContainer(testing::defaultMesh())["resources"]["limits"].contains("cpu"));
}

TEST(SidecarTest, MountsTheConfigAndTheCertificate) {
  json c = sidecarContainer(testing::defaultMesh());
  EXPECT_EQ(c["volumeMounts"], json::parse(R"([
    {"name": "paymesh-config", "mountPath": "/etc/paymesh/config", "readOnly": true},
    {"name": "paymesh-tls", "mountPath": "/etc/paymesh/tls", "readOnly": true}])"));
  auto svc = testing::service("settlement");
  // Every endpoint shard the configuration may be split into, optional, and the first
  // ConfigMap last: during a move of a file between ConfigMaps, its copy wins.
  json sources = json::array();
  for (int n = 0; n < 8; ++n)
    sources.push_back({{"configMap", {{"name", "settlement-paymesh-eds-" + std::to_string(n)}, {"optional", true}}}});
  sources.push_back({{"configMap", {{"name", "settlement-paymesh"}}}});
  EXPECT_EQ(configVolume(*svc.service),
            (json{{"name", "paymesh-config"}, {"projected", {{"defaultMode", 292}, {"sources", sources}}}}));
  EXPECT_EQ(tlsVolume(*svc.service), json::parse(R"({"name": "paymesh-tls",
    "secret": {"secretName": "settlement-paymesh-tls", "defaultMode": 288}})"));
}

TEST(SidecarTest, PortsNamedForTheInboundListenerAndStats) {
  json c = sidecarContainer(testing::mesh(R"({"inboundPort": 16443, "statsPort": 16090})"));
  EXPECT_EQ(c["ports"], json::parse(R"([{"name": "paymesh-inbound", "containerPort": 16443, "protocol": "TCP"},
    {"name": "paymesh-stats", "containerPort": 16090, "protocol": "TCP"}])"));
}

TEST(SidecarTest, DependencyEnv) {
  EXPECT_EQ(dependencyEnvName("settlement-standby"), "PAYMESH_SETTLEMENT_STANDBY_ADDR");
  auto svc = testing::service("payment", {"settlement", "clearing"});
  auto env = dependencyEnv(svc.service->spec);
  ASSERT_EQ(env.size(), 2u);
  EXPECT_EQ(env[0], (std::pair<std::string, std::string>{"PAYMESH_SETTLEMENT_ADDR", "127.0.0.1:15100"}));
  EXPECT_EQ(env[1], (std::pair<std::string, std::string>{"PAYMESH_CLEARING_ADDR", "127.0.0.1:15101"}));
}

}  // namespace
}  // namespace paymesh::inject
