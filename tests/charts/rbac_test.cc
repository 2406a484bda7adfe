// The chart's RBAC against what the binaries really do: the operator binary runs with
// the chart's arguments against the emulator, which records every request; each one must
// be allowed by the roles bound to its ServiceAccount (evaluated as the API server
// evaluates RBAC, charts/rbac.h), every permission the chart grants must be used by the
// run or be justified below, and nothing granted in every namespace may be used only in
// the release's own. Then the rendered RBAC alone: no Secret but paymesh's can be read.

#include <cctype>
#include <filesystem>
#include <set>

#include "charts/helm.h"
#include "charts/rbac.h"
#include "model/manifest.h"
#include "model/mesh_config.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

using paymesh::testing::Access;
using paymesh::testing::allowed;
using paymesh::testing::allows;
using paymesh::testing::atomsOf;
using paymesh::testing::describe;
using paymesh::testing::Grant;
using paymesh::testing::grantsFor;
using paymesh::testing::helmTemplate;
using paymesh::testing::kReleaseNamespace;
using paymesh::testing::Rendered;
using paymesh::testing::RenderedObject;
using paymesh::testing::slurp;

Access accessOf(const emulator::RequestAttributes& r) {
  return {r.verb, r.group, r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource, r.ns, r.name};
}

std::string verbAndResource(const Grant& atom) {
  const Json& r = atom.rule;
  return r["verbs"][0].get<std::string>() + " " + r["apiGroups"][0].get<std::string>() + "/" +
         r["resources"][0].get<std::string>();
}

// Grants the run below does not exercise, and why the operator needs them
// (operator/controller/reconciler.cc).
const std::map<std::string, std::string> kJustified = {
    {"delete /configmaps",
     "removeOwned: the children a pass wrote while their PaymentService was being deleted, and endpoint shards no "
     "longer in use"},
    {"delete /secrets", "removeOwned: the children a pass wrote while their PaymentService was being deleted"},
    {"update /secrets", "certificate renewal, trust-bundle rewrites and the CA rotation phases (write())"},
};

class ChartRbacTest : public OperatorTest {};

TEST_F(ChartRbacTest, OperatorRequestsAreAllowedAndEveryGrantIsUsed) {
  Rendered chart = helmTemplate({});
  ASSERT_EQ(chart.run.exit_code, 0) << chart.run.err;
  const std::vector<Grant> grants = grantsFor(chart, kReleaseNamespace, "paymesh-operator");
  ASSERT_FALSE(grants.empty());
  Json injector = chart.get("MutatingWebhookConfiguration", "paymesh-sidecar-injector");
  ASSERT_TRUE(client_->create(res::kMutatingWebhookConfigurations, "", injector).isOk());
  applyServices();
  applyPods();
  // The chart's arguments, with files and ports of this machine.
  std::vector<std::string> args = {"--kubeconfig", kubeconfigFile()};
  const Json& deploy = chart.get("Deployment", "paymesh-operator");
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
    // Its callers' passes (a ConfigMap update, an Event) are part of the run: on a slow
    // machine they come well after the garbage collector's.
    ASSERT_TRUE(waitFor([&] {
      for (const auto& svc : services()) {
        bool calls_it = false;
        const Json deps = svc.value("spec", Json::object()).value("dependencies", Json::array());
        for (const auto& d : deps) calls_it |= d.value("name", "") == gone;
        if (calls_it && (conditionStatus(svc, "DependenciesResolved") != "False" ||
                         !warned(svc.at("metadata").at("name"), "DependencyNotFound")))
          return false;
      }
      return true;
    }));
    EXPECT_EQ(op.terminate(), 0);
  }
  std::vector<Access> asked;
  std::string listed;
  for (const auto& r : emulator_->api().requests()) {
    if (r.user_agent.rfind("paymesh-operator/", 0) != 0) continue;  // the test's own requests
    asked.push_back(accessOf(r));
    listed += "\n  " + describe(asked.back());
    EXPECT_TRUE(allowed(grants, asked.back()))
        << "the chart does not allow the operator's request: " << describe(asked.back());
  }
  EXPECT_GT(asked.size(), 10u);
  SCOPED_TRACE("the operator asked for:" + listed);
  // Least privilege: nothing granted that the operator does not do, and nothing granted
  // everywhere that it only does in the release's own namespace (the mesh CA and webhook
  // Secrets are there: a Role, by name, is enough for those).
  for (const Grant& atom : atomsOf(grants)) {
    std::set<std::string> where;  // the namespaces of the requests it allows
    for (const auto& a : asked)
      if (allows(atom, a)) where.insert(a.ns);
    if (where.empty()) {
      EXPECT_TRUE(kJustified.count(verbAndResource(atom)))
          << "the chart grants \"" << describe(atom) << "\" but the operator never asked for it";
      continue;
    }
    if (!atom.ns.empty() || atom.rule.contains("resourceNames")) continue;
    EXPECT_TRUE(where.count("") || where.size() > 1 || !where.count(kReleaseNamespace))
        << "the chart grants \"" << describe(atom) << "\" in every namespace but the operator only uses it in \""
        << *where.begin() << "\"";
  }
}

// No Secret of kube-system (or of any namespace) can be read by name, whatever the values:
// the only Secrets the operator gets are the mesh CA and the webhook's, in their namespaces.
class ChartRbacGrantsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ChartRbacGrantsTest, NoSecretOutsideThePaymeshOnesCanBeRead) {
  paymesh::testing::HelmArgs a;
  if (!GetParam().empty()) a.values_files = {GetParam()};
  Rendered chart = helmTemplate(a);
  ASSERT_EQ(chart.run.exit_code, 0) << chart.run.err;
  // Names from the release (fullnameOverride changes them all).
  const RenderedObject* mesh_config = nullptr;
  for (const auto* o : chart.ofKind("ConfigMap"))
    if (o->source == "paymesh/templates/mesh-config.yaml") mesh_config = o;
  ASSERT_NE(mesh_config, nullptr);
  auto docs = model::parseManifests(mesh_config->value["data"].value("mesh.yaml", ""), "mesh.yaml");
  ASSERT_TRUE(docs.isOk());
  auto mesh = model::parseMeshConfig((*docs)[0].doc.value);
  ASSERT_TRUE(mesh.config);
  auto accountOf = [&](const char* component) {
    for (const auto* d : chart.ofKind("Deployment"))
      if (d->value["metadata"]["labels"].value("app.kubernetes.io/component", "") == component)
        return d->value["spec"]["template"]["spec"].value("serviceAccountName", "");
    return std::string();
  };
  const std::vector<Grant> op = grantsFor(chart, kReleaseNamespace, accountOf("operator"));
  const std::vector<Grant> webhook = grantsFor(chart, kReleaseNamespace, accountOf("webhook"));
  ASSERT_FALSE(op.empty());
  ASSERT_FALSE(webhook.empty());
  // A bootstrap token, a user's credentials, and paymesh's own names anywhere else.
  const std::vector<std::string> names = {"bootstrap-token-abcdef", "db-credentials", mesh.config->ca.secret_name,
                                          mesh.config->webhook.secret_name};
  for (const std::string ns : {"kube-system", "payments", "default"}) {
    for (const auto& name : names) {
      Access get{"get", "", "secrets", ns, name};
      bool own = (ns == mesh.config->ca.namespace_ && name == mesh.config->ca.secret_name);
      EXPECT_EQ(allowed(op, get), own) << "operator: " << describe(get);
      for (const char* verb : {"get", "list", "watch", "create", "update", "patch", "delete"})
        EXPECT_FALSE(allowed(webhook, {verb, "", "secrets", ns, name})) << "webhook: " << verb << " " << ns;
    }
  }
  for (const auto& name : names) {
    Access get{"get", "", "secrets", mesh.config->webhook.namespace_, name};
    bool own = name == mesh.config->webhook.secret_name ||
               (mesh.config->ca.namespace_ == mesh.config->webhook.namespace_ && name == mesh.config->ca.secret_name);
    EXPECT_EQ(allowed(op, get), own) << "operator: " << describe(get);
  }
}

std::string comboName(const ::testing::TestParamInfo<std::string>& combo) {
  std::string n = combo.param.empty() ? "defaults" : std::filesystem::path(combo.param).stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Values, ChartRbacGrantsTest, ::testing::ValuesIn(paymesh::testing::valueCombinations()),
                         comboName);

}  // namespace
}  // namespace paymesh::ctrl::testing
