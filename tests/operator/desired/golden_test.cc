// Golden files: the ConfigMaps of the example platform, one per service, which
// between them cover every balancing policy and every TLS mode. The same golden set
// is checked through buildDesired (what the operator writes) and through
// `paymeshctl render -o`. Regenerate with REFRESH_GOLDEN=1 after reviewing the change.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "operator/desired/build_desired.h"
#include "policy/render_fixture.h"
#include "support/run_command.h"
#include "yaml/yaml.h"

namespace paymesh::ctrl {
namespace {

using policy::testing::defaultMesh;
using policy::testing::exampleInputs;

// What the operator builds for a service of the example namespace (no CA: the
// ConfigMap alone, as `paymeshctl render` prints it).
nlohmann::ordered_json configMapFor(const policy::Namespace& space, const std::string& name) {
  NamespaceView view(space);
  Desired d = buildDesired({space.services.at(name), view, defaultMesh()});
  EXPECT_TRUE(d.config_map.has_value()) << d.observed.config_error;
  return d.config_map.value_or(nlohmann::ordered_json());
}

namespace fs = std::filesystem;
const std::string kGolden = PAYMESH_SOURCE_DIR "/tests/testdata/render/payments";

bool refresh() { return std::getenv("REFRESH_GOLDEN") != nullptr; }

TEST(GoldenTest, BuildDesiredMatchesGoldenFiles) {
  auto in = exampleInputs();
  const auto& space = in.namespaces.at("payments");
  ASSERT_EQ(space.services.size(), 5u);
  for (const auto& [name, svc] : space.services) {
    std::string got = yaml::toYaml(configMapFor(space, name));
    std::string path = kGolden + "/" + name + "-paymesh.yaml";
    if (refresh()) {
      fs::create_directories(kGolden);
      std::ofstream(path) << got;
    }
    EXPECT_EQ(paymesh::testing::slurp(path), got) << name << ": rendering changed; review and REFRESH_GOLDEN=1";
  }
}

TEST(GoldenTest, PaymeshctlRenderWritesTheSameFiles) {
  std::string dir = "/tmp/paymesh-render-" + std::to_string(::getpid());
  auto r = paymesh::testing::runCommand(
      paymesh::testing::paymeshctl() +
      " render -f " PAYMESH_SOURCE_DIR "/examples/payments -f " PAYMESH_SOURCE_DIR "/examples/endpoints -o " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(kGolden)) {
    ++n;
    EXPECT_EQ(paymesh::testing::slurp(dir + "/payments/" + entry.path().filename().string()),
              paymesh::testing::slurp(entry.path().string()))
        << entry.path().filename();
  }
  EXPECT_EQ(n, 5u);
  fs::remove_all(dir);
}

// What the ConfigMap publishes, what `ring lookup -f` computes from the same manifests,
// and what `ring lookup --ring` reads back all name the same pod for a payment id.
TEST(GoldenTest, RingLookupAgreesWithThePublishedRing) {
  using paymesh::testing::runCommand;
  const std::string ctl = paymesh::testing::paymeshctl();
  const std::string inputs =
      " -f " PAYMESH_SOURCE_DIR "/examples/payments -f " PAYMESH_SOURCE_DIR "/examples/endpoints";
  auto in = exampleInputs();
  auto cm = configMapFor(in.namespaces.at("payments"), "settlement");
  std::string ring_path = "/tmp/paymesh-ring-" + std::to_string(::getpid()) + ".json";
  std::ofstream(ring_path) << cm["data"]["ring.json"].get<std::string>();
  for (int i = 0; i < 20; ++i) {
    std::string key = "pay-" + std::to_string(i * 7919);
    auto from_file = runCommand(ctl + " ring lookup --ring " + ring_path + " " + key);
    auto from_manifests = runCommand(ctl + " ring lookup" + inputs + " --service settlement --key " + key);
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    ASSERT_EQ(from_manifests.exit_code, 0) << from_manifests.err;
    EXPECT_EQ(from_file.out, from_manifests.out) << key;
    EXPECT_EQ(from_file.out.rfind("settlement-7d9f8-", 0), 0u) << from_file.out;
  }
  auto no_ring = runCommand(ctl + " ring lookup" + inputs + " --service payment pay-1");
  EXPECT_EQ(no_ring.exit_code, 1);
  EXPECT_NE(no_ring.err.find("balances with LeastConnections, not ConsistentHash"), std::string::npos) << no_ring.err;
  EXPECT_EQ(runCommand(ctl + " ring lookup" + inputs + " pay-1").exit_code, 2);  // -f needs --service
  std::filesystem::remove(ring_path);
}

TEST(GoldenTest, PaymeshctlRenderErrors) {
  using paymesh::testing::runCommand;
  const std::string ctl = paymesh::testing::paymeshctl();
  // A dependency that does not exist is an error naming it, and nothing is printed.
  auto missing =
      runCommand(ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/payment.yaml -f " PAYMESH_SOURCE_DIR
                       "/examples/payments/payment-idp-jwks.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("payments/payment: PaymentService \"settlement\" not found in namespace payments"),
            std::string::npos)
      << missing.err;
  EXPECT_EQ(missing.out, "");
  // The keys a provider names: absent, or not a JWKS, is an error naming the object.
  auto no_keys = runCommand(ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/payment.yaml");
  EXPECT_EQ(no_keys.exit_code, 1);
  EXPECT_NE(no_keys.err.find("payments/payment: provider payments-idp: ConfigMap payments/payment-idp-jwks not found"),
            std::string::npos)
      << no_keys.err;
  EXPECT_EQ(no_keys.out, "");
  auto bad_keys =
      runCommand(ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/payment.yaml -f -",
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: payment-idp-jwks, namespace: payments}\n"
                 "data:\n  jwks.json: '{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"alg\": \"HS999\"}]}'\n");
  EXPECT_EQ(bad_keys.exit_code, 1);
  EXPECT_NE(bad_keys.err.find("ConfigMap payments/payment-idp-jwks key jwks.json: keys[0]"), std::string::npos)
      << bad_keys.err;
  // No endpoints: renders, and says so.
  auto empty = runCommand(ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/ledger.yaml");
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_NE(empty.out.find("name: ledger-paymesh"), std::string::npos);
  auto empty_dep =
      runCommand(ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/clearing.yaml -f " PAYMESH_SOURCE_DIR
                       "/examples/payments/ledger.yaml");
  EXPECT_EQ(empty_dep.exit_code, 0);
  EXPECT_NE(empty_dep.err.find("note: payments/clearing: ledger has no ready endpoints"), std::string::npos)
      << empty_dep.err;
  // A bad weight annotation names the pod.
  auto bad = runCommand(
      ctl + " render -f " PAYMESH_SOURCE_DIR "/examples/payments/ledger.yaml -f -",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ledger-x\n  namespace: payments\n  labels: {app: ledger}\n"
      "  annotations: {paymesh.io/weight: \"heavy\"}\nstatus: {podIP: 10.0.0.1}\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("pod payments/ledger-x: annotation paymesh.io/weight must be an integer"), std::string::npos)
      << bad.err;
  auto help = runCommand(ctl + " render --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* f : {"--file", "--mesh-config", "--output-dir", "--service"}) {
    EXPECT_NE(help.out.find(f), std::string::npos) << f;
  }
}

// A caller whose one dependency's endpoint file passes Kubernetes' 1 MiB limit even in
// binary (4,000 pods with the longest names there are; no split helps): the same message
// the operator puts in its status, exit 1, and nothing written for any service.
TEST(GoldenTest, PaymeshctlRenderRefusesAConfigMapOverTheSizeLimit) {
  std::string manifests =
      "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: ledger, namespace: payments}\n"
      "spec:\n  selector: {matchLabels: {app: ledger}}\n  ports: [{name: grpc, port: 50051, protocol: GRPC}]\n"
      "---\napiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: payment, namespace: payments}\n"
      "spec:\n  selector: {matchLabels: {app: payment}}\n  ports: [{name: grpc, port: 50051, protocol: GRPC}]\n"
      "  dependencies: [{name: ledger}]\n";
  for (int i = 0; i < 4000; ++i) {
    std::string suffix = "-" + std::to_string(i);
    manifests += "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ledger-" +
                 std::string(253 - 7 - suffix.size(), 'x') + suffix +
                 "\n  namespace: payments\n  labels: {app: ledger}\nstatus:\n  podIP: 10.2." + std::to_string(i / 250) +
                 "." + std::to_string(i % 250 + 1) + "\n  conditions: [{type: Ready, status: 'True'}]\n";
  }
  std::string dir = "/tmp/paymesh-render-large-" + std::to_string(::getpid());
  auto r = paymesh::testing::runCommand(paymesh::testing::paymeshctl() + " render -f - -o " + dir, manifests);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("payments/payment: ConfigMap payments/payment-paymesh: eds-ledger.pb alone is "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("over Kubernetes' limit of 1,048,576 bytes for one ConfigMap"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir)) << "nothing is written when one service does not render";
  fs::remove_all(dir);
}

// Four dependencies of 900 long-named pods each (1.1 MB of endpoint files): render writes
// the first ConfigMap and the endpoint shards the operator would, each under 1 MiB.
TEST(GoldenTest, PaymeshctlRenderWritesTheShardsOfAConfigurationOverOneConfigMap) {
  std::string manifests =
      "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: payment, namespace: payments}\n"
      "spec:\n  selector: {matchLabels: {app: payment}}\n  ports: [{name: grpc, port: 50051, protocol: GRPC}]\n"
      "  dependencies: [{name: ledger-0}, {name: ledger-1}, {name: ledger-2}, {name: ledger-3}]\n";
  for (int d = 0; d < 4; ++d) {
    std::string name = "ledger-" + std::to_string(d);
    manifests += "---\napiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: " + name +
                 ", namespace: payments}\nspec:\n  selector: {matchLabels: {app: " + name +
                 "}}\n  ports: [{name: grpc, port: 50051, protocol: GRPC}]\n";
    for (int i = 0; i < 900; ++i) {
      manifests += "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "-" + std::string(220, 'x') + "-" +
                   std::to_string(i) + "\n  namespace: payments\n  labels: {app: " + name + "}\nstatus:\n  podIP: 10." +
                   std::to_string(d) + "." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) +
                   "\n  conditions: [{type: Ready, status: 'True'}]\n";
    }
  }
  std::string dir = "/tmp/paymesh-render-shards-" + std::to_string(::getpid());
  auto r = paymesh::testing::runCommand(paymesh::testing::paymeshctl() + " render -f - -o " + dir, manifests);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> shards;
  for (const auto& entry : fs::directory_iterator(dir + "/payments")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("payment-paymesh-eds-", 0) == 0) shards.push_back(name);
    EXPECT_LE(fs::file_size(entry.path()), 1100000u) << name;  // the data plus YAML quoting
  }
  EXPECT_TRUE(fs::exists(dir + "/payments/payment-paymesh.yaml"));
  EXPECT_GE(shards.size(), 2u);
  std::string first = paymesh::testing::slurp(dir + "/payments/payment-paymesh.yaml");
  EXPECT_EQ(first.find("eds-ledger-0.json:"), std::string::npos) << "the endpoint files are in the shards";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace paymesh::ctrl
