#include "model/mesh_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/manifest.h"

namespace paymesh::model {
namespace {

using nlohmann::json;

TEST(MeshConfigTest, EmptyMeansDefaults) {
  auto r = parseMeshConfig(json());
  ASSERT_TRUE(r.errors.empty());
  const MeshConfig& c = *r.config;
  EXPECT_EQ(c.trust_domain, "cluster.local");
  EXPECT_EQ(c.inbound_port, 15443);
  EXPECT_EQ(c.idempotency_header, "idempotency-key");
  EXPECT_EQ(c.ca.secret_name, "paymesh-ca");
  EXPECT_FALSE(c.ca.existing);
  EXPECT_EQ(c.injection.namespace_selector.at("paymesh.io/injection"), "enabled");
  EXPECT_EQ(c.webhook.configuration_name, "paymesh-sidecar-injector");
  EXPECT_EQ(c.sidecar.concurrency, 2);
}

TEST(MeshConfigTest, ReadsEveryField) {
  json v = json::parse(R"({"trustDomain": "pay.example.com", "inboundPort": 16443, "idempotencyHeader": "x-idem",
    "ca": {"existing": true, "secretName": "corp-ca", "namespace": "security", "keyAlgorithm": "RSA3072",
           "duration": "8760h", "rotationOverlap": "24h", "secretPropagationDelay": "90s"},
    "sidecar": {"image": "registry.local/envoy:1", "concurrency": 4, "logLevel": "info"},
    "injection": {"namespaceSelector": {"mesh": "on"}, "podAnnotation": "example.com/mesh"},
    "webhook": {"serviceName": "wh", "namespace": "mesh"}})");
  auto r = parseMeshConfig(v);
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  const MeshConfig& c = *r.config;
  EXPECT_EQ(c.trust_domain, "pay.example.com");
  EXPECT_EQ(c.inbound_port, 16443);
  EXPECT_TRUE(c.ca.existing);
  EXPECT_EQ(c.ca.key_algorithm, KeyAlgorithm::kRsa3072);
  EXPECT_EQ(c.ca.rotation_overlap, std::chrono::hours(24));
  EXPECT_EQ(c.ca.secret_propagation_delay, std::chrono::seconds(90));
  EXPECT_EQ(c.sidecar.image, "registry.local/envoy:1");
  EXPECT_EQ(c.injection.namespace_selector, (std::map<std::string, std::string>{{"mesh", "on"}}));
  EXPECT_EQ(c.webhook.service_name, "wh");
}

// Each CA rotation phase waits half the overlap for the kubelets to bring the Secrets
// into the pods: an overlap shorter than twice their delay could not be kept.
TEST(MeshConfigTest, RotationOverlapCoversTheKubeletsTwice) {
  EXPECT_EQ(parseMeshConfig(json::object()).config->ca.secret_propagation_delay, std::chrono::minutes(2));
  auto r = parseMeshConfig(json{{"ca", {{"rotationOverlap", "3m"}}}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(toString(r.errors[0]),
            "ca.rotationOverlap: must be at least twice ca.secretPropagationDelay (2m): each rotation phase waits half "
            "of it for the kubelets");
  EXPECT_TRUE(parseMeshConfig(json{{"ca", {{"rotationOverlap", "4m"}}}}).errors.empty());
  EXPECT_TRUE(
      parseMeshConfig(json{{"ca", {{"rotationOverlap", "1m"}, {"secretPropagationDelay", "30s"}}}}).errors.empty());
}

// The rotation starts when a third of the CA's life is left and needs rotationOverlap, with
// as much again in reserve: a 24h CA with the default 48h overlap would expire while its
// successor is still being staged, so it is refused, naming the field.
TEST(MeshConfigTest, ARotationThatCannotFinishBeforeTheOldCaExpiresIsRefused) {
  auto r = parseMeshConfig(json{{"ca", {{"duration", "24h"}}}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].path, "ca.rotationOverlap");
  EXPECT_NE(r.errors[0].message.find("at most a sixth of ca.duration (24h)"), std::string::npos) << r.errors[0].message;
  EXPECT_FALSE(parseMeshConfig(json{{"ca", {{"duration", "24h"}, {"rotationOverlap", "4h1m"}}}}).errors.empty());
  EXPECT_TRUE(parseMeshConfig(json{{"ca", {{"duration", "24h"}, {"rotationOverlap", "4h"}}}}).errors.empty());
  // A CA managed elsewhere is only followed: its lifetime is not ca.duration.
  EXPECT_TRUE(parseMeshConfig(json{{"ca", {{"duration", "24h"}, {"existing", true}}}}).errors.empty());
}

TEST(MeshConfigTest, InjectionSettings) {
  auto defaults = parseMeshConfig(json());
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->sidecar.mode, MeshConfig::SidecarMode::kNative);
  EXPECT_EQ(defaults.config->sidecar.cpu_limit, std::nullopt);
  EXPECT_EQ(defaults.config->sidecar.run_as_group, 1337);
  EXPECT_TRUE(defaults.config->sidecar.args.empty());
  EXPECT_EQ(defaults.config->injection.unselected_pods, MeshConfig::UnselectedPods::kRefuse);

  auto r = parseMeshConfig(json::parse(R"({"sidecar": {"mode": "Classic", "cpuLimit": "2", "runAsGroup": 2000,
    "args": ["--drain-time-s", "20"]}, "injection": {"unselectedPods": "Admit"}})"));
  ASSERT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  EXPECT_EQ(r.config->sidecar.mode, MeshConfig::SidecarMode::kClassic);
  EXPECT_EQ(r.config->sidecar.cpu_limit, "2");
  EXPECT_EQ(r.config->sidecar.run_as_group, 2000);
  EXPECT_EQ(r.config->sidecar.args, (std::vector<std::string>{"--drain-time-s", "20"}));
  EXPECT_EQ(r.config->injection.unselected_pods, MeshConfig::UnselectedPods::kAdmit);
}

TEST(MeshConfigTest, InjectionSettingsAreValidated) {
  auto r = parseMeshConfig(json::parse(R"({"sidecar": {"mode": "Ambient", "memoryLimit": "1 gig"},
    "injection": {"unselectedPods": "Maybe"}})"));
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].path, "sidecar.mode");
  EXPECT_EQ(r.errors[1].path, "sidecar.memoryLimit");
  EXPECT_NE(r.errors[1].message.find("resource quantity"), std::string::npos) << r.errors[1].message;
  EXPECT_EQ(r.errors[2].path, "injection.unselectedPods");
  auto flags = parseMeshConfig(json::parse(R"({"sidecar": {"args": ["--drain-time-s", "5", "--concurrency=8"]}})"));
  ASSERT_EQ(flags.errors.size(), 1u);
  EXPECT_EQ(toString(flags.errors[0]), "sidecar.args[2]: \"--concurrency\" is set by the injector");
}

TEST(MeshConfigTest, PortsMustNotCollide) {
  auto r = parseMeshConfig(json{{"adminPort", 15443}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(toString(r.errors[0]), "adminPort: port 15443 is already used by inboundPort");
}

TEST(MeshConfigTest, LoadNamesFileAndLine) {
  auto path = std::filesystem::temp_directory_path() / "paymesh-mesh-config-test.yaml";
  std::ofstream(path) << "trustDomain: cluster.local\nsidecar:\n  concurrency: 100\n  colour: red\n";
  auto r = loadMeshConfig(path.string());
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find(path.string() + ":3: sidecar.concurrency: must be at most 64, got 100"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(":4: sidecar.colour: unknown field"), std::string::npos);
  std::filesystem::remove(path);
  EXPECT_EQ(loadMeshConfig(path.string()).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace paymesh::model

namespace paymesh::model {
namespace {

// What Helm renders into the mesh-config ConfigMap comes from values.yaml's meshConfig.
TEST(MeshConfigTest, ChartValuesAndExampleAreValid) {
  auto values = readManifests(PAYMESH_SOURCE_DIR "/charts/paymesh/values.yaml");
  ASSERT_TRUE(values.isOk()) << values.status().message();
  auto r = parseMeshConfig((*values)[0].doc.value["meshConfig"]);
  EXPECT_TRUE(r.errors.empty()) << toString(r.errors[0]);
  auto example = loadMeshConfig(PAYMESH_SOURCE_DIR "/examples/mesh-config.yaml");
  ASSERT_TRUE(example.isOk()) << example.status().message();
  // The example spells out the defaults.
  EXPECT_EQ(example->raw, parseMeshConfig(nlohmann::json()).config->raw);
}

}  // namespace
}  // namespace paymesh::model
