// The chart's RBAC against what the binaries really do: the operator binary runs with
// the chart's arguments against the emulator, which records every request; each one must
// be allowed by the chart's roles (evaluated as the API server evaluates RBAC), and every
// permission the chart grants must be used by the run or be justified below.

#include <set>

#include "charts/helm.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

using paymesh::testing::helmTemplate;
using paymesh::testing::kReleaseNamespace;
using paymesh::testing::Rendered;
using paymesh::testing::slurp;

bool has(const Json& list, const std::string& v) {
  for (const auto& e : list)
    if (e == v || e == "*") return true;
  return false;
}

std::string resourceOf(const emulator::RequestAttributes& r) {
  return r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource;
}

// A request is allowed when one rule names its group, resource (with subresource), verb
// and, when the rule lists resourceNames, its object name.
bool allowedBy(const Json& rules, const emulator::RequestAttributes& r) {
  for (const auto& rule : rules) {
    if (!has(rule.value("apiGroups", Json::array()), r.group)) continue;
    if (!has(rule.value("resources", Json::array()), resourceOf(r))) continue;
    if (!has(rule.value("verbs", Json::array()), r.verb)) continue;
    const Json names = rule.value("resourceNames", Json::array());
    if (!names.empty() && (r.name.empty() || !has(names, r.name))) continue;
    return true;
  }
  return false;
}

std::string describe(const emulator::RequestAttributes& r) {
  return r.verb + " " + (r.group.empty() ? "core" : r.group) + "/" + resourceOf(r) + " in \"" + r.ns + "\" name \"" +
         r.name + "\"";
}

// Grants the run below does not exercise, and why the operator needs them
// (operator/controller/reconciler.cc).
const std::map<std::string, std::string> kJustified = {
    {"delete /configmaps", "removeOrphan: the children a pass wrote while their PaymentService was being deleted"},
    {"delete /secrets", "removeOrphan, as for configmaps"},
    {"update /secrets", "certificate renewal, trust-bundle rewrites and the CA rotation phases (write())"},
};

class ChartRbacTest : public OperatorTest {};

TEST_F(ChartRbacTest, OperatorRequestsAreAllowedAndEveryGrantIsUsed) {
  Rendered chart = helmTemplate({});
  ASSERT_EQ(chart.run.exit_code, 0) << chart.run.err;
  const Json cluster_rules = chart.get("ClusterRole", "paymesh-operator")["rules"];
  const Json lease_rules = chart.get("Role", "paymesh-operator-leader-election")["rules"];
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
    EXPECT_EQ(op.terminate(), 0);
  }
  size_t checked = 0;
  std::set<std::string> used;  // "verb group/resource"
  for (const auto& r : emulator_->api().requests()) {
    if (r.user_agent.rfind("paymesh-operator/", 0) != 0) continue;  // the test's own requests
    ++checked;
    used.insert(r.verb + " " + r.group + "/" + resourceOf(r));
    bool ok = allowedBy(cluster_rules, r) || (r.ns == kReleaseNamespace && allowedBy(lease_rules, r));
    EXPECT_TRUE(ok) << "the chart does not allow the operator's request: " << describe(r);
  }
  EXPECT_GT(checked, 10u);
  // Least privilege: nothing granted that the operator does not do.
  std::string asked;
  for (const auto& u : used) asked += "\n  " + u;
  SCOPED_TRACE("the operator asked for:" + asked);
  for (const Json* rules : {&cluster_rules, &lease_rules}) {
    for (const auto& rule : *rules)
      for (const auto& group : rule["apiGroups"])
        for (const auto& resource : rule["resources"])
          for (const auto& verb : rule["verbs"]) {
            std::string grant =
                verb.get<std::string>() + " " + group.get<std::string>() + "/" + resource.get<std::string>();
            EXPECT_TRUE(used.count(grant) || kJustified.count(grant))
                << "the chart grants \"" << grant << "\" but the operator never asked for it";
          }
  }
}

}  // namespace
}  // namespace paymesh::ctrl::testing
