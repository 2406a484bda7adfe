// The webhook end to end: the emulator with the paymesh-sidecar-injector configuration
// registered, the paymesh-operator binary issuing the webhook's certificate and setting the
// caBundle, the paymesh-webhook binary serving that certificate from a directory laid out
// as the kubelet mounts a Secret, and pods created with the real kubectl.

#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>

#include "base/base64.h"
#include "operator_fixture.h"
#include "support/child_process.h"
#include "support/https_client.h"
#include "support/run_command.h"
#include "support/tools.h"

namespace paymesh::ctrl::testing {
namespace {

namespace stdfs = std::filesystem;
using paymesh::testing::runCommand;

class WebhookE2e : public OperatorTest {
protected:
  void SetUp() override {
    kubectl_ = paymesh::testing::kubectlPath();
    port_ = paymesh::testing::freePort();
    emulator::EmulatorOptions eo;
    eo.api.bookmark_interval = 100ms;
    eo.api.service_hosts["paymesh-webhook.paymesh-system"] = "127.0.0.1:" + std::to_string(port_);
    emulator_ = std::make_unique<emulator::Emulator>(eo);
    ASSERT_EQ(emulator_->start(), "");
    kube::ClusterConfig cfg;
    cfg.server = emulator_->url();
    client_ = std::move(kube::RestClient::create(cfg)).value();
    dir_ = stdfs::temp_directory_path() / ("paymesh-webhook-e2e-" + std::to_string(::getpid()));
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    std::ofstream(dir_ / "kubeconfig") << emulator_->kubeconfig();
    for (const char* ns : {"paymesh-system", "other"}) {
      auto r = kubectl("create -f -",
                       Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}.dump());
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    ASSERT_EQ(kubectl("apply -f " PAYMESH_SOURCE_DIR "/crds/").exit_code, 0);
    ASSERT_EQ(kubectl("apply -f " PAYMESH_SOURCE_DIR "/examples/payments/").exit_code, 0);  // labelled namespace
    Json config = injectorConfiguration();
    config["webhooks"][0]["failurePolicy"] = "Fail";
    config["webhooks"][0]["namespaceSelector"] = {{"matchLabels", {{"paymesh.io/injection", "enabled"}}}};
    std::ofstream(dir_ / "injector.json") << config.dump();
    ASSERT_EQ(kubectl("apply -f " + (dir_ / "injector.json").string()).exit_code, 0);
  }
  void TearDown() override {
    webhook_.reset();
    operator_.reset();
    if (emulator_) emulator_->stop();
    stdfs::remove_all(dir_);
  }

  paymesh::testing::CommandResult kubectl(const std::string& args, const std::string& stdin_text = "") {
    return runCommand(kubectl_ + " --kubeconfig " + (dir_ / "kubeconfig").string() + " " + args, stdin_text);
  }

  // The Secret's files as the kubelet lays out a mounted volume: a timestamped directory,
  // ..data pointing at it, and tls.crt / tls.key links through ..data.
  void mountSecret(const Json& secret, const stdfs::path& dir) {
    stdfs::create_directories(dir / "..2024_01_01_00_00_00.1");
    for (const char* key : {"tls.crt", "tls.key", "ca.crt"}) {
      std::ofstream(dir / "..2024_01_01_00_00_00.1" / key) << *base64Decode(secret["data"][key].get<std::string>());
      stdfs::create_symlink(stdfs::path("..data") / key, dir / key);
    }
    stdfs::create_symlink("..2024_01_01_00_00_00.1", dir / "..data");
  }

  std::string kubectl_;
  uint16_t port_ = 0;
  stdfs::path dir_;
  std::unique_ptr<paymesh::testing::ChildProcess> operator_, webhook_;
};

TEST_F(WebhookE2e, PodsComeOutInjectedLabelledAndCountedAsEndpoints) {
  operator_ = std::make_unique<paymesh::testing::ChildProcess>(
      PAYMESH_BINARY_DIR "/operator/paymesh-operator",
      std::vector<std::string>{"--kubeconfig", (dir_ / "kubeconfig").string(), "--metrics-addr", "0", "--health-addr",
                               "0"},
      (dir_ / "operator.log").string());
  // The operator issues the serving certificate and puts its CA into the configuration.
  Json secret;
  ASSERT_TRUE(waitFor([&] {
    auto s = client_->get(res::kSecrets, "paymesh-system", "paymesh-webhook-tls");
    auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
    if (!s.isOk() || !c.isOk() || c->at("webhooks").at(0).at("clientConfig").value("caBundle", "").empty())
      return false;
    secret = *s;
    return true;
  })) << paymesh::testing::slurp((dir_ / "operator.log").string());
  mountSecret(secret, dir_ / "tls");
  webhook_ = std::make_unique<paymesh::testing::ChildProcess>(
      PAYMESH_BINARY_DIR "/webhook/paymesh-webhook",
      std::vector<std::string>{"--kubeconfig", (dir_ / "kubeconfig").string(), "--cert-dir", (dir_ / "tls").string(),
                               "--address", "127.0.0.1", "--port", std::to_string(port_), "--metrics-addr", "0"},
      (dir_ / "webhook.log").string());
  std::string ca = *base64Decode(secret["data"]["ca.crt"].get<std::string>());
  ASSERT_TRUE(waitFor([&] {
    paymesh::testing::HttpsClient probe(port_, ca, "paymesh-webhook.paymesh-system.svc");
    return probe.request("GET", "/readyz", "", "").status == 200;
  })) << paymesh::testing::slurp((dir_ / "webhook.log").string());

  // A ReplicaSet-style pod (generateName only) in the labelled namespace.
  const std::string pod = R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "settlement-7d9f8-",
    "labels": {"app": "settlement"}}, "spec": {"serviceAccountName": "settlement",
    "containers": [{"name": "app", "image": "registry.example.com/payments/settlement:2.4.1"}]}})";
  auto created = kubectl("create -n payments -o json -f -", pod);
  ASSERT_EQ(created.exit_code, 0) << created.err << paymesh::testing::slurp((dir_ / "webhook.log").string());
  Json stored = Json::parse(created.out);
  std::string name = stored["metadata"]["name"];
  EXPECT_EQ(stored["metadata"]["labels"]["paymesh.io/service"], "settlement");
  EXPECT_TRUE(stored["metadata"]["annotations"].contains("paymesh.io/injected"));
  ASSERT_EQ(stored["spec"]["initContainers"].size(), 1u);
  EXPECT_EQ(stored["spec"]["initContainers"][0]["name"], "paymesh-proxy");
  EXPECT_EQ(stored["spec"]["initContainers"][0]["restartPolicy"], "Always");
  const Json& sources = stored["spec"]["volumes"][0]["projected"]["sources"];
  ASSERT_EQ(sources.size(), 9u) << "the ConfigMap and its eight optional endpoint shards";
  EXPECT_EQ(sources[0]["configMap"], (Json{{"name", "settlement-paymesh-eds-0"}, {"optional", true}}));
  EXPECT_EQ(sources.back()["configMap"], (Json{{"name", "settlement-paymesh"}}));
  EXPECT_EQ(stored["spec"]["volumes"][1]["secret"]["secretName"], "settlement-paymesh-tls");
  // The same pod injected offline by paymeshctl is the pod the webhook stored.
  Json in_namespace = Json::parse(pod);
  in_namespace["metadata"]["namespace"] = "payments";
  std::ofstream(dir_ / "pod.json") << in_namespace.dump();
  auto offline = runCommand(paymesh::testing::paymeshctl() + " inject --output-patch -f " +
                            (dir_ / "pod.json").string() + " --services " PAYMESH_SOURCE_DIR "/examples/payments");
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(Json::parse(pod).patch(Json::parse(offline.out))["spec"], stored["spec"]);

  // The kubelet would report it running; the operator then counts it as an endpoint.
  stored["status"] = {
      {"phase", "Running"}, {"podIP", "10.0.0.7"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
  ASSERT_TRUE(client_->updateStatus(res::kPods, stored).isOk());
  EXPECT_TRUE(waitFor([&] {
    auto s = client_->get(res::kPaymentServices, "payments", "settlement");
    return s.isOk() && s->value("status", Json::object()).value("endpoints", 0) == 1;
  })) << "the operator reads pods by the paymesh.io/service label the webhook set";

  // A namespace without the label: the webhook is not called; the pod is stored as given.
  auto plain = kubectl("create -n other -o json -f -", pod);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  Json other = Json::parse(plain.out);
  EXPECT_FALSE(other["spec"].contains("initContainers"));
  EXPECT_FALSE(other["metadata"]["labels"].contains("paymesh.io/service"));

  // A pod no PaymentService selects is refused with the webhook's message.
  auto refused = kubectl("create -n payments -f -", R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name":
    "reporting-1", "labels": {"app": "reporting"}}, "spec": {"containers": [{"name": "app", "image": "r:1"}]}})");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("admission webhook \"inject.paymesh.io\" denied the request: no PaymentService selects "
                             "pod reporting-1 in namespace \"payments\" (labels: app=reporting)"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(client_->get(res::kPods, "payments", "reporting-1").isOk()) << "nothing stored";

  // Opted out: stored as given.
  auto optout = kubectl("create -n payments -o json -f -", R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name":
    "reporting-2", "labels": {"app": "reporting"}, "annotations": {"paymesh.io/inject": "false"}},
    "spec": {"containers": [{"name": "app", "image": "r:1"}]}})");
  ASSERT_EQ(optout.exit_code, 0) << optout.err;
  EXPECT_FALSE(Json::parse(optout.out)["spec"].contains("initContainers"));

  // The serving certificate renewed in place (a new ..data): new connections get it.
  std::string before =
      paymesh::testing::HttpsClient(port_, ca, "paymesh-webhook.paymesh-system.svc").peerCertificatePem();
  ASSERT_TRUE(client_->remove(res::kSecrets, "paymesh-system", "paymesh-webhook-tls").isOk());
  Json renewed;
  ASSERT_TRUE(waitFor(
      [&] {
        auto s = client_->get(res::kSecrets, "paymesh-system", "paymesh-webhook-tls");
        if (!s.isOk() || s->at("data").at("tls.crt") == secret["data"]["tls.crt"]) return false;
        renewed = *s;
        return true;
      },
      90s))
      << "the operator reissues a deleted webhook Secret";
  stdfs::path stamp = dir_ / "tls" / "..2024_01_01_00_00_00.2";
  stdfs::create_directories(stamp);
  for (const char* key : {"tls.crt", "tls.key", "ca.crt"})
    std::ofstream(stamp / key) << *base64Decode(renewed["data"][key].get<std::string>());
  stdfs::create_symlink("..2024_01_01_00_00_00.2", dir_ / "tls" / "..data_tmp");
  stdfs::rename(dir_ / "tls" / "..data_tmp", dir_ / "tls" / "..data");
  std::string want = *base64Decode(renewed["data"]["tls.crt"].get<std::string>());
  EXPECT_TRUE(waitFor(
      [&] {
        paymesh::testing::HttpsClient probe(port_, *base64Decode(renewed["data"]["ca.crt"].get<std::string>()),
                                            "paymesh-webhook.paymesh-system.svc");
        return probe.peerCertificatePem() == want.substr(0, want.find("-----END CERTIFICATE-----") + 26);
      },
      10s))
      << paymesh::testing::slurp((dir_ / "webhook.log").string());
  EXPECT_NE(before, want);
}

}  // namespace
}  // namespace paymesh::ctrl::testing
