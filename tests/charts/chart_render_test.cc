// charts/paymesh rendered by the real helm with its default values and every documented
// values combination (tests/charts/values/): `helm lint --strict` passes, every object
// is valid against the Kubernetes schemas (tools/check-k8s.mjs) and the real kubectl
// applies the render to the emulator. A broken template fails naming object and field.

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "charts/helm.h"
#include "support/tools.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

namespace fs = std::filesystem;
using paymesh::testing::checkK8s;
using paymesh::testing::HelmArgs;
using paymesh::testing::helmLint;
using paymesh::testing::helmTemplate;
using paymesh::testing::kReleaseNamespace;
using paymesh::testing::kubectlPath;
using paymesh::testing::Rendered;
using paymesh::testing::runCommand;
using paymesh::testing::TempDir;

std::string label(const std::string& values_file) {
  return values_file.empty() ? "default values" : fs::path(values_file).filename().string();
}

HelmArgs withValues(const std::string& values_file) {
  HelmArgs a;
  if (!values_file.empty()) a.values_files.push_back(values_file);
  return a;
}

TEST(ChartLintTest, LintStrictPassesForEveryValuesCombination) {
  for (const auto& values : paymesh::testing::valueCombinations()) {
    auto r = helmLint(withValues(values));
    EXPECT_EQ(r.exit_code, 0) << label(values) << ":\n" << r.out << r.err;
  }
}

class ChartRenderTest : public OperatorTest, public ::testing::WithParamInterface<std::string> {};

// Every object valid against the Kubernetes schemas, then applied by kubectl: what
// `helm install` would send, accepted by an API server.
TEST_P(ChartRenderTest, RendersValidObjectsThatKubectlApplies) {
  HelmArgs args = withValues(GetParam());
  args.include_crds = true;
  Rendered r = helmTemplate(args);
  ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
  std::set<std::string> kinds;
  for (const auto& o : r.objects) kinds.insert(o.kind());
  EXPECT_EQ(kinds, (std::set<std::string>{"ClusterRole", "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition",
                                          "Deployment", "MutatingWebhookConfiguration", "PodDisruptionBudget", "Role",
                                          "RoleBinding", "Secret", "Service", "ServiceAccount"}));
  TempDir dir;
  std::string file = dir.write("render.yaml", r.run.out);
  auto check = checkK8s(file);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  // A mesh CA outside the release namespace lives in a namespace that is already there
  // (the chart puts the Role that reads the CA Secret in it).
  for (const auto& o : r.objects) {
    std::string ns = o.value["metadata"].value("namespace", "");
    if (ns.empty()) continue;
    auto r_ns = client_->create(res::kNamespaces, "",
                                {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    ASSERT_TRUE(r_ns.isOk() || kube::isAlreadyExists(r_ns.status())) << r_ns.status().toString();
  }
  auto applied = runCommand(kubectlPath() + " --kubeconfig " + kubeconfigFile() + " apply -f " + file);
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  for (const auto& o : r.objects) {
    std::string ns = o.value["metadata"].value("namespace", "");
    auto got = runCommand(kubectlPath() + " --kubeconfig " + kubeconfigFile() + " get " + o.kind() + " " + o.name() +
                          (ns.empty() ? "" : " -n " + ns) + " -o name");
    EXPECT_EQ(got.exit_code, 0) << o.kind() << " " << o.name() << ": " << got.err;
  }
}

std::string comboName(const ::testing::TestParamInfo<std::string>& combo) {
  std::string n = combo.param.empty() ? "defaults" : fs::path(combo.param).stem().string();
  return std::regex_replace(n, std::regex("[^A-Za-z0-9]"), "_");
}

INSTANTIATE_TEST_SUITE_P(Values, ChartRenderTest, ::testing::ValuesIn(paymesh::testing::valueCombinations()),
                         comboName);

// A template mistake is caught before anything reaches a cluster, and the message names
// the template, the object and the field.
TEST(ChartBrokenTemplateTest, FailsNamingTheTemplateObjectAndField) {
  TempDir dir;
  std::string chart = paymesh::testing::copyChart(dir.path());
  fs::path deployment = fs::path(chart) / "templates/webhook-deployment.yaml";
  std::string text = paymesh::testing::slurp(deployment.string());
  // A quoted port (a string where Kubernetes wants an integer) and a misspelt field.
  text = std::regex_replace(text, std::regex("containerPort: \\{\\{ .Values.webhook.port \\}\\}"),
                            "containerPort: \"{{ .Values.webhook.port }}\"");
  text = std::regex_replace(text, std::regex("imagePullPolicy:"), "imagePulPolicy:");
  std::ofstream(deployment) << text;
  HelmArgs args;
  args.chart = chart;
  Rendered r = helmTemplate(args);
  ASSERT_EQ(r.run.exit_code, 0) << r.run.err;  // helm itself has no schema for built-in kinds
  auto check = checkK8s(dir.write("render.yaml", r.run.out));
  EXPECT_EQ(check.exit_code, 1) << check.out;
  const std::string where =
      "FAIL paymesh/templates/webhook-deployment.yaml: Deployment paymesh-system/paymesh-webhook: ";
  EXPECT_NE(check.out.find(where + "spec.template.spec.containers[0].ports[0].containerPort: must be integer"),
            std::string::npos)
      << check.out;
  EXPECT_NE(check.out.find(where + "spec.template.spec.containers[0].imagePulPolicy: unknown field"), std::string::npos)
      << check.out;
  // Only the broken object fails.
  EXPECT_NE(
      check.out.find("ok   paymesh/templates/operator-deployment.yaml: Deployment paymesh-system/paymesh-operator"),
      std::string::npos);
}

// Two releases (even in one namespace) share no object name, and each one's objects point
// at each other, never at the other release's.
TEST(ChartNamesTest, TwoReleasesNeverCollide) {
  std::map<std::string, std::string> owner;  // "Kind/ns/name" -> release
  for (const auto& [release, ns] : std::vector<std::pair<std::string, std::string>>{
           {"paymesh", "paymesh-system"}, {"blue", "shared"}, {"green", "shared"}}) {
    HelmArgs a;
    a.release = release;
    a.ns = ns;
    Rendered r = helmTemplate(a);
    ASSERT_EQ(r.run.exit_code, 0) << r.run.err;
    for (const auto& o : r.objects) {
      std::string key = o.kind() + "/" + o.value["metadata"].value("namespace", "") + "/" + o.name();
      auto [it, fresh] = owner.emplace(key, release);
      EXPECT_TRUE(fresh) << key << " is rendered by release " << it->second << " and " << release;
      EXPECT_EQ(o.value["metadata"]["labels"].value("app.kubernetes.io/instance", ""), release) << key;
    }
    std::string full = release == "paymesh" ? "paymesh" : release + "-paymesh";
    const auto& binding = r.get("ClusterRoleBinding", full + "-operator");
    EXPECT_EQ(binding["roleRef"]["name"], full + "-operator");
    EXPECT_EQ(binding["subjects"][0]["name"], full + "-operator");
    EXPECT_EQ(binding["subjects"][0]["namespace"], ns);
    const auto& role = r.get("ClusterRole", full + "-operator");
    EXPECT_EQ(role["rules"].back()["resourceNames"], Json::array({full + "-sidecar-injector"}));
    const auto& hook = r.get("MutatingWebhookConfiguration", full + "-sidecar-injector");
    EXPECT_EQ(hook["webhooks"][0]["clientConfig"]["service"]["name"], full + "-webhook");
    EXPECT_EQ(hook["webhooks"][0]["clientConfig"]["service"]["namespace"], ns);
    auto mesh = model::parseManifests(r.get("ConfigMap", full + "-mesh-config")["data"].value("mesh.yaml", ""), "mesh");
    ASSERT_TRUE(mesh.isOk());
    auto parsed = model::parseMeshConfig((*mesh)[0].doc.value);
    ASSERT_TRUE(parsed.errors.empty()) << model::toString(parsed.errors[0]);
    EXPECT_EQ(parsed.config->ca.secret_name, full + "-ca");
    EXPECT_EQ(parsed.config->ca.namespace_, ns);
    EXPECT_EQ(parsed.config->webhook.namespace_, ns);
    EXPECT_EQ(parsed.config->webhook.service_name, full + "-webhook");
    EXPECT_EQ(parsed.config->webhook.secret_name, full + "-webhook-tls");
    EXPECT_EQ(parsed.config->webhook.configuration_name, full + "-sidecar-injector");
    r.get("Secret", full + "-webhook-tls");
    r.get("Service", full + "-webhook");
    const auto& deploy = r.get("Deployment", full + "-operator");
    const auto& args = deploy["spec"]["template"]["spec"]["containers"][0]["args"];
    EXPECT_NE(std::find(args.begin(), args.end(), "--lease-name=" + full + "-operator"), args.end());
    EXPECT_EQ(deploy["spec"]["template"]["spec"]["serviceAccountName"], full + "-operator");
  }
}

TEST(ChartNamesTest, OverlongNamesAndAForeignWebhookNamespaceAreRefused) {
  HelmArgs a;
  a.release = "a-release-name-that-is-much-too-long-for-a-prefix";
  auto r = helmTemplate(a);
  EXPECT_NE(r.run.exit_code, 0);
  EXPECT_NE(r.run.err.find("longer than 46 characters: use a shorter release name or set fullnameOverride"),
            std::string::npos)
      << r.run.err;
  HelmArgs b;
  b.sets = {"meshConfig.webhook.namespace=elsewhere"};
  r = helmTemplate(b);
  EXPECT_NE(r.run.exit_code, 0);
  EXPECT_NE(
      r.run.err.find("meshConfig.webhook.namespace is \"elsewhere\" but the chart runs the webhook in the release "
                     "namespace \"paymesh-system\""),
      std::string::npos)
      << r.run.err;
}

}  // namespace
}  // namespace paymesh::ctrl::testing

namespace paymesh::ctrl::testing {
namespace {

class ChartNotesTest : public OperatorTest {};

// What `helm install` prints at the end tells the user how to turn injection on for a
// namespace and how to check a pod got its sidecar, with this release's names.
TEST_F(ChartNotesTest, TellHowToLabelANamespaceAndCheckAPod) {
  auto r = paymesh::testing::helm("install --dry-run=client --disable-openapi-validation paymesh-blue " +
                                  paymesh::testing::kChartDir + " -n paymesh-system --kubeconfig " + kubeconfigFile() +
                                  " --set meshConfig.injection.namespaceSelector.tier=payments");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string notes = r.out.substr(r.out.find("NOTES:"));
  for (const char* want : {
           "kubectl -n paymesh-system rollout status deployment/paymesh-blue-operator deployment/paymesh-blue-webhook",
           "kubectl label namespace <namespace> paymesh.io/injection=enabled tier=payments",
           "never kube-system or\n   paymesh-system",
           "kubectl -n <namespace> get pod <pod> -o jsonpath='{.spec.initContainers[*].name} "
           "{.spec.containers[*].name}",
           "(the list shows paymesh-proxy)",
           "kubectl -n <namespace> get paymentservices",
       })
    EXPECT_NE(notes.find(want), std::string::npos) << "NOTES lack: " << want << "\n" << notes;
}

}  // namespace
}  // namespace paymesh::ctrl::testing
