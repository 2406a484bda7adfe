// The Helm chart's operator templates: rendered (see template_subset.h), applied with the
// real kubectl, the container's flags checked against the binary, and the RBAC checked
// against every request the operator binary makes while it reconciles the examples.

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "charts/template_subset.h"
#include "support/run_command.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

namespace fs = std::filesystem;
using paymesh::testing::ChartContext;
using paymesh::testing::runCommand;
using paymesh::testing::slurp;

const fs::path kChart = fs::path(PAYMESH_SOURCE_DIR) / "charts/paymesh";
const char* kKubectl = "/usr/bin/kubectl";
const char* kReleaseNamespace = "paymesh-system";

Json firstDoc(const fs::path& file) {
  auto docs = model::readManifests(file.string());
  EXPECT_TRUE(docs.isOk()) << docs.status().message();
  return docs.isOk() && !docs->empty() ? (*docs)[0].doc.value : Json();
}

// Every template but mesh-config.yaml (its merge/set logic is beyond the subset; what it
// renders is values.yaml's meshConfig, checked by MeshConfigTest), rendered and parsed.
std::map<std::string, std::vector<Json>> renderChart() {
  ChartContext ctx;
  ctx.values = firstDoc(kChart / "values.yaml");
  ctx.chart = firstDoc(kChart / "Chart.yaml");
  ctx.release_namespace = kReleaseNamespace;
  auto helpers = paymesh::testing::parseHelpers(slurp((kChart / "templates/_helpers.tpl").string()), "_helpers.tpl");
  EXPECT_TRUE(helpers.isOk()) << helpers.status().message();
  if (helpers.isOk()) ctx.helpers = *helpers;
  std::map<std::string, std::vector<Json>> out;
  for (const auto& entry : fs::directory_iterator(kChart / "templates")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "mesh-config.yaml") continue;
    auto text = paymesh::testing::renderTemplate(slurp(entry.path().string()), name, ctx);
    EXPECT_TRUE(text.isOk()) << text.status().message();
    if (!text.isOk()) continue;
    auto docs = model::parseManifests(*text, name);
    EXPECT_TRUE(docs.isOk()) << name << ": " << docs.status().message() << "\n" << *text;
    if (!docs.isOk()) continue;
    for (auto& d : *docs) out[name].push_back(d.doc.value);
  }
  return out;
}

Json findObject(const std::map<std::string, std::vector<Json>>& chart, const std::string& kind,
                const std::string& name) {
  for (const auto& [file, docs] : chart)
    for (const auto& d : docs)
      if (d.value("kind", "") == kind && d["metadata"].value("name", "") == name) return d;
  ADD_FAILURE() << "the chart has no " << kind << " " << name;
  return Json::object();
}

// RBAC as the API server evaluates it: a request is allowed when one rule of a bound
// ClusterRole (any namespace) or Role (its namespace) names its group, resource (with
// subresource), verb and, when the rule lists resourceNames, its object name.
bool allowedBy(const Json& rules, const emulator::RequestAttributes& r) {
  auto has = [](const Json& list, const std::string& v) {
    for (const auto& e : list)
      if (e == v || e == "*") return true;
    return false;
  };
  std::string resource = r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource;
  for (const auto& rule : rules) {
    if (!has(rule.value("apiGroups", Json::array()), r.group)) continue;
    if (!has(rule.value("resources", Json::array()), resource)) continue;
    if (!has(rule.value("verbs", Json::array()), r.verb)) continue;
    const Json names = rule.value("resourceNames", Json::array());
    if (!names.empty() && (r.name.empty() || !has(names, r.name))) continue;
    return true;
  }
  return false;
}

class ChartTest : public OperatorTest {};

TEST_F(ChartTest, OperatorTemplatesRenderToObjectsKubectlApplies) {
  auto chart = renderChart();
  std::set<std::string> kinds;
  for (const auto& [file, docs] : chart) {
    for (const auto& d : docs) {
      SCOPED_TRACE(file);
      EXPECT_FALSE(d.value("apiVersion", "").empty());
      EXPECT_FALSE(d["metadata"].value("name", "").empty());
      std::string kind = d.value("kind", "");
      kinds.insert(kind);
      bool cluster_scoped = kind == "ClusterRole" || kind == "ClusterRoleBinding";
      EXPECT_EQ(d["metadata"].value("namespace", ""), cluster_scoped ? "" : kReleaseNamespace) << kind;
      EXPECT_EQ(d["metadata"]["labels"].value("app.kubernetes.io/component", ""), "operator") << kind;
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"ClusterRole", "ClusterRoleBinding", "Deployment", "Role", "RoleBinding",
                                          "Service", "ServiceAccount"}));
  // Bindings and the Deployment name what exists.
  Json deploy = findObject(chart, "Deployment", "paymesh-operator");
  const Json& pod = deploy["spec"]["template"];
  EXPECT_EQ(pod["spec"]["serviceAccountName"], "paymesh-operator");
  EXPECT_EQ(findObject(chart, "ClusterRoleBinding", "paymesh-operator")["subjects"][0]["name"], "paymesh-operator");
  for (const auto& [k, v] : deploy["spec"]["selector"]["matchLabels"].items())
    EXPECT_EQ(pod["metadata"]["labels"].value(k, ""), v) << k;  // the Deployment selects its own pods
  EXPECT_EQ(pod["spec"]["volumes"][0]["configMap"]["name"], "paymesh-mesh-config");
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["limits"]["memory"], "256Mi");
  const Json chart_yaml = firstDoc(kChart / "Chart.yaml");
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], "ghcr.io/paymesh/paymesh:" + chart_yaml.value("appVersion", ""));

  if (!fs::exists(kKubectl)) GTEST_SKIP() << kKubectl << " is not installed; the apply step is skipped";
  fs::path dir = fs::path(::testing::TempDir()) / ("paymesh-chart-" + std::to_string(getpid()));
  fs::create_directories(dir);
  int n = 0;
  for (const auto& [file, docs] : chart)
    for (const auto& d : docs) std::ofstream(dir / (std::to_string(n++) + ".json")) << d.dump(2);
  auto r = runCommand(std::string(kKubectl) + " --kubeconfig " + kubeconfigFile() + " apply -f " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(client_->get(res::kServiceAccounts, kReleaseNamespace, "paymesh-operator").isOk());
  auto stored = client_->get(res::kDeployments, kReleaseNamespace, "paymesh-operator");
  ASSERT_TRUE(stored.isOk()) << stored.status().toString();
  EXPECT_EQ((*stored)["spec"]["template"]["spec"]["containers"][0]["args"], pod["spec"]["containers"][0]["args"]);
  fs::remove_all(dir);
}

TEST_F(ChartTest, OperatorContainerRunsTheBinaryTheImageShipsWithFlagsItAccepts) {
  auto chart = renderChart();
  const Json deploy = findObject(chart, "Deployment", "paymesh-operator");
  const Json& container = deploy["spec"]["template"]["spec"]["containers"][0];
  ASSERT_EQ(container["command"], Json::array({"/usr/local/bin/paymesh-operator"}));
  // The image copies the operator binary into /usr/local/bin.
  std::string dockerfile = slurp(PAYMESH_SOURCE_DIR "/Dockerfile");
  EXPECT_NE(dockerfile.find("-name paymesh-operator"), std::string::npos);
  EXPECT_NE(dockerfile.find("/usr/local/bin/"), std::string::npos);
  auto help = runCommand(PAYMESH_BINARY_DIR "/operator/paymesh-operator --help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> flags;
  std::regex flag_re("--([a-z-]+)");
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), flag_re); it != std::sregex_iterator(); ++it)
    flags.insert((*it)[1]);
  bool leader_elect = false, mesh_config = false;
  for (const auto& a : container["args"]) {
    std::string arg = a.get<std::string>();
    ASSERT_EQ(arg.rfind("--", 0), 0u) << arg;
    std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
    EXPECT_TRUE(flags.count(name)) << "paymesh-operator has no flag --" << name;
    leader_elect |= name == "leader-elect";
    mesh_config |= arg == "--mesh-config=/etc/paymesh/mesh/mesh.yaml";
  }
  EXPECT_TRUE(leader_elect) << "two replicas must elect a leader";
  EXPECT_TRUE(mesh_config) << "the mesh config is mounted at /etc/paymesh/mesh";
  // The probes hit what the binary serves on the health port.
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
}

// The operator binary, with the chart's arguments, reconciles the examples (leader
// election, CA creation, webhook certificate and caBundle, a deletion, SIGTERM releasing
// the Lease); every request it made must be allowed by the chart's roles.
TEST_F(ChartTest, RbacAllowsEveryRequestTheOperatorMakes) {
  auto chart = renderChart();
  Json cluster_rules = findObject(chart, "ClusterRole", "paymesh-operator")["rules"];
  Json role = findObject(chart, "Role", "paymesh-operator-leader-election");
  ASSERT_TRUE(client_->create(res::kMutatingWebhookConfigurations, "", injectorConfiguration()).isOk());
  applyServices();
  applyPods();
  std::vector<std::string> args = {"--kubeconfig", kubeconfigFile()};
  const Json deploy = findObject(chart, "Deployment", "paymesh-operator");
  for (const auto& a : deploy["spec"]["template"]["spec"]["containers"][0]["args"]) {
    std::string arg = a.get<std::string>();
    if (arg.rfind("--mesh-config=", 0) == 0) arg = "--mesh-config=" PAYMESH_SOURCE_DIR "/examples/mesh-config.yaml";
    if (arg.rfind("--metrics-addr=", 0) == 0 || arg.rfind("--health-addr=", 0) == 0)
      arg = arg.substr(0, arg.find('=')) + "=0";
    args.push_back(arg);
  }
  {
    OperatorProcess op(args, ::testing::TempDir() + "/operator-rbac.log");
    ASSERT_TRUE(waitFor([&] { return allReady(); })) << slurp(::testing::TempDir() + "/operator-rbac.log");
    ASSERT_TRUE(waitFor([&] {
      auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
      return c.isOk() && !c->at("webhooks").at(0).at("clientConfig").value("caBundle", "").empty();
    }));
    std::string gone = services().front()["metadata"]["name"];
    ASSERT_TRUE(client_->remove(res::kPaymentServices, "payments", gone).isOk());
    ASSERT_TRUE(waitFor([&] { return !client_->get(res::kConfigMaps, "payments", gone + "-paymesh").isOk(); }));
    EXPECT_EQ(op.terminate(), 0);
  }
  size_t checked = 0;
  std::set<std::string> verbs;
  for (const auto& r : emulator_->api().requests()) {
    if (r.user_agent.rfind("paymesh-operator/", 0) != 0) continue;  // the test's own requests
    ++checked;
    verbs.insert(r.verb);
    bool ok = allowedBy(cluster_rules, r) || (r.ns == kReleaseNamespace && allowedBy(role["rules"], r));
    EXPECT_TRUE(ok) << "the chart does not allow: " << r.verb << " " << (r.group.empty() ? "core" : r.group) << "/"
                    << r.resource << (r.subresource.empty() ? "" : "/" + r.subresource) << " in \"" << r.ns
                    << "\" name \"" << r.name << "\"";
  }
  EXPECT_GT(checked, 10u);
  // The run exercised reading, watching and every kind of write the operator does.
  for (const char* v : {"get", "list", "watch", "create", "update", "patch"}) EXPECT_TRUE(verbs.count(v)) << v;
}

}  // namespace
}  // namespace paymesh::ctrl::testing
