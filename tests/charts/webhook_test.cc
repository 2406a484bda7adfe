// The chart's webhook objects at work: the render applied with kubectl, the operator and
// webhook binaries run with the chart's arguments (the webhook serving the Secret the
// chart created and the operator filled, mounted as the kubelet mounts it), and the
// emulator calling the webhook through the chart's MutatingWebhookConfiguration and
// Service. A pod of a labelled namespace comes out injected; kube-system never calls the
// webhook; the webhook's requests are exactly what its ClusterRole allows. Built once the
// paymesh-webhook binary exists (PAYMESH_WEBHOOK_BINARY, see CMakeLists.txt).

#ifdef PAYMESH_WEBHOOK_BINARY

#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <set>

#include "base/base64.h"
#include "charts/helm.h"
#include "support/child_process.h"
#include "support/tools.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

namespace fs = std::filesystem;
using paymesh::testing::helmTemplate;
using paymesh::testing::kReleaseNamespace;
using paymesh::testing::kubectlPath;
using paymesh::testing::Rendered;
using paymesh::testing::runCommand;
using paymesh::testing::slurp;

class ChartWebhookTest : public OperatorTest {
protected:
  void SetUp() override {
    port_ = paymesh::testing::freePort();
    emulator::EmulatorOptions eo;
    eo.api.bookmark_interval = 100ms;
    eo.api.record_requests = true;
    eo.api.service_hosts["paymesh-webhook." + std::string(kReleaseNamespace)] = "127.0.0.1:" + std::to_string(port_);
    emulator_ = std::make_unique<emulator::Emulator>(eo);
    ASSERT_EQ(emulator_->start(), "");
    kube::ClusterConfig cfg;
    cfg.server = emulator_->url();
    client_ = std::move(kube::RestClient::create(cfg)).value();
    dir_ = fs::path(::testing::TempDir()) / ("paymesh-chart-webhook-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    webhook_.reset();
    operator_.reset();
    OperatorTest::TearDown();
    fs::remove_all(dir_);
  }

  paymesh::testing::CommandResult kubectl(const std::string& args, const std::string& stdin_text = "") {
    return runCommand(kubectlPath() + " --kubeconfig " + kubeconfigFile() + " " + args, stdin_text);
  }

  // A container's arguments with this machine's files and ports in place of the pod's.
  std::vector<std::string> localArgs(const Json& deployment, const std::map<std::string, std::string>& replace) {
    std::vector<std::string> out = {"--kubeconfig", kubeconfigFile()};
    for (const auto& a : deployment["spec"]["template"]["spec"]["containers"][0]["args"]) {
      std::string arg = a.get<std::string>();
      std::string name = arg.substr(0, arg.find('='));
      out.push_back(replace.count(name) ? name + "=" + replace.at(name) : arg);
    }
    return out;
  }

  // The Secret's files as the kubelet lays out a mounted volume (..data symlink swap).
  void mountSecret(const Json& secret, const fs::path& dir) {
    fs::create_directories(dir / "..2024_01_01_00_00_00.1");
    for (const auto& [key, value] : secret["data"].items()) {
      std::ofstream(dir / "..2024_01_01_00_00_00.1" / key) << *base64Decode(value.get<std::string>());
      fs::create_symlink(fs::path("..data") / key, dir / key);
    }
    fs::create_symlink("..2024_01_01_00_00_00.1", dir / "..data");
  }

  uint16_t port_ = 0;
  fs::path dir_;
  std::unique_ptr<paymesh::testing::ChildProcess> operator_, webhook_;
};

TEST_F(ChartWebhookTest, TheChartsWebhookInjectsLabelledNamespacesWithExactlyItsRbac) {
  paymesh::testing::HelmArgs args;
  args.include_crds = true;
  Rendered chart = helmTemplate(args);
  ASSERT_EQ(chart.run.exit_code, 0) << chart.run.err;
  std::ofstream(dir_ / "render.yaml") << chart.run.out;
  ASSERT_EQ(kubectl("apply -f " PAYMESH_SOURCE_DIR "/deploy/namespace.yaml").exit_code, 0);
  auto applied = kubectl("apply -f " + (dir_ / "render.yaml").string());
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  std::ofstream(dir_ / "mesh.yaml") << chart.get("ConfigMap", "paymesh-mesh-config")["data"].value("mesh.yaml", "");

  operator_ = std::make_unique<paymesh::testing::ChildProcess>(
      PAYMESH_BINARY_DIR "/operator/paymesh-operator",
      localArgs(chart.get("Deployment", "paymesh-operator"),
                {{"--mesh-config", (dir_ / "mesh.yaml").string()}, {"--metrics-addr", "0"}, {"--health-addr", "0"}}),
      (dir_ / "operator.log").string());
  // The operator fills the chart's Secret and the chart's injector's caBundle.
  Json secret;
  ASSERT_TRUE(waitFor([&] {
    auto s = client_->get(res::kSecrets, kReleaseNamespace, "paymesh-webhook-tls");
    auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
    if (!s.isOk() || !c.isOk() || s->value("data", Json::object()).value("tls.crt", "").empty() ||
        c->at("webhooks").at(0).at("clientConfig").value("caBundle", "").empty())
      return false;
    secret = *s;
    return true;
  })) << slurp((dir_ / "operator.log").string());
  mountSecret(secret, dir_ / "webhook-tls");

  const Json& deploy = chart.get("Deployment", "paymesh-webhook");
  webhook_ = std::make_unique<paymesh::testing::ChildProcess>(
      PAYMESH_WEBHOOK_BINARY,
      localArgs(deploy, {{"--cert-dir", (dir_ / "webhook-tls").string()},
                         {"--port", std::to_string(port_)},
                         {"--mesh-config", (dir_ / "mesh.yaml").string()},
                         {"--metrics-addr", "0"}}),
      (dir_ / "webhook.log").string());
  // The probes as the kubelet sends them: HTTPS, certificate not verified.
  const Json& c = deploy["spec"]["template"]["spec"]["containers"][0];
  for (const char* probe : {"readinessProbe", "livenessProbe"}) {
    std::string url = "https://127.0.0.1:" + std::to_string(port_) + c[probe]["httpGet"].value("path", "");
    EXPECT_TRUE(waitFor([&] { return runCommand("curl -skf -o /dev/null " + url).exit_code == 0; }))
        << probe << " " << url << "\n"
        << slurp((dir_ / "webhook.log").string());
  }

  ASSERT_EQ(kubectl("apply -f " PAYMESH_SOURCE_DIR "/examples/payments/").exit_code, 0);  // labelled namespace
  const std::string pod = R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "settlement-",
    "labels": {"app": "settlement"}}, "spec": {"serviceAccountName": "settlement",
    "containers": [{"name": "app", "image": "registry.example.com/payments/settlement:2.4.1"}]}})";
  std::string injected, refused;
  EXPECT_TRUE(waitFor([&] {  // the webhook's PaymentService cache catches up
    auto created = kubectl("create -n payments -o json -f -", pod);
    refused = created.err;
    if (created.exit_code != 0) return false;
    injected = created.out;
    return true;
  })) << refused
      << slurp((dir_ / "webhook.log").string());
  ASSERT_FALSE(injected.empty());
  Json stored = Json::parse(injected);
  std::set<std::string> names;
  for (const char* list : {"initContainers", "containers"})
    for (const auto& x : stored["spec"].value(list, Json::array())) names.insert(x.value("name", ""));
  EXPECT_TRUE(names.count("paymesh-proxy")) << stored.dump(2);

  // kube-system labelled for injection still never reaches the webhook.
  auto labelled = kubectl("apply -f -", R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system",
    "labels": {"paymesh.io/injection": "enabled"}}})");
  ASSERT_EQ(labelled.exit_code, 0) << labelled.err;
  auto system_pod = kubectl("create -n kube-system -o json -f -", pod);
  ASSERT_EQ(system_pod.exit_code, 0) << system_pod.err;
  EXPECT_FALSE(Json::parse(system_pod.out)["spec"].contains("initContainers"));

  // The webhook's requests, against its ClusterRole; every rule used.
  webhook_.reset();
  const Json rules = chart.get("ClusterRole", "paymesh-webhook")["rules"];
  EXPECT_EQ(chart.get("ClusterRoleBinding", "paymesh-webhook")["subjects"][0]["name"],
            deploy["spec"]["template"]["spec"]["serviceAccountName"]);
  std::set<std::string> used;
  for (const auto& r : emulator_->api().requests()) {
    if (r.user_agent.rfind("paymesh-webhook/", 0) != 0) continue;
    std::string resource = r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource;
    used.insert(r.verb + " " + r.group + "/" + resource);
    bool ok = false;
    for (const auto& rule : rules) {
      auto has = [](const Json& l, const std::string& v) { return std::find(l.begin(), l.end(), v) != l.end(); };
      ok |= has(rule["apiGroups"], r.group) && has(rule["resources"], resource) && has(rule["verbs"], r.verb);
    }
    EXPECT_TRUE(ok) << "the chart does not allow the webhook's request: " << r.verb << " " << r.group << "/" << resource
                    << " in \"" << r.ns << "\"";
  }
  for (const auto& rule : rules)
    for (const auto& g : rule["apiGroups"])
      for (const auto& res : rule["resources"])
        for (const auto& v : rule["verbs"]) {
          std::string grant = v.get<std::string>() + " " + g.get<std::string>() + "/" + res.get<std::string>();
          EXPECT_TRUE(used.count(grant)) << "the chart grants the webhook \"" << grant << "\" but it never asked";
        }
}

}  // namespace
}  // namespace paymesh::ctrl::testing

#endif  // PAYMESH_WEBHOOK_BINARY
