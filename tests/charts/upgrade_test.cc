// `helm install` and `helm upgrade` against the emulator, with the operator binary doing
// its part: an upgrade never resets what the operator wrote, so the mesh CA, the
// webhook's serving certificate and the injector's caBundle survive it (no outage). Both
// from the previous chart version (tests/testdata/charts/paymesh-0.1.0, operator only)
// and from this one to itself with other values.

#include "charts/helm.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

using paymesh::testing::kChartDir;
using paymesh::testing::kReleaseNamespace;
using paymesh::testing::slurp;

const std::string kPreviousChart = PAYMESH_SOURCE_DIR "/tests/testdata/charts/paymesh-0.1.0";

class ChartUpgradeTest : public OperatorTest {
protected:
  paymesh::testing::CommandResult helm(const std::string& verb_and_args) {
    return paymesh::testing::helm(verb_and_args + " --kubeconfig " + kubeconfigFile() + " -n " + kReleaseNamespace);
  }

  // The operator binary with the arguments of the Deployment the release installed.
  std::unique_ptr<OperatorProcess> startOperatorOfRelease(const std::string& log) {
    auto deploy = client_->get(res::kDeployments, kReleaseNamespace, "paymesh-operator");
    EXPECT_TRUE(deploy.isOk()) << deploy.status().toString();
    if (!deploy.isOk()) return nullptr;
    // The mounted mesh config, as the pod would see it.
    auto cm = client_->get(res::kConfigMaps, kReleaseNamespace, "paymesh-mesh-config");
    EXPECT_TRUE(cm.isOk()) << cm.status().toString();
    std::string mesh_file = ::testing::TempDir() + "/upgrade-mesh-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(mesh_file) << (*cm)["data"].value("mesh.yaml", "");
    std::vector<std::string> args = {"--kubeconfig", kubeconfigFile()};
    for (const auto& a : (*deploy)["spec"]["template"]["spec"]["containers"][0]["args"]) {
      std::string arg = a.get<std::string>();
      if (arg.rfind("--mesh-config=", 0) == 0) arg = "--mesh-config=" + mesh_file;
      if (arg.rfind("--metrics-addr=", 0) == 0 || arg.rfind("--health-addr=", 0) == 0)
        arg = arg.substr(0, arg.find('=')) + "=0";
      args.push_back(arg);
    }
    return std::make_unique<OperatorProcess>(args, ::testing::TempDir() + "/" + log);
  }

  Json secretData(const std::string& name) {
    auto s = client_->get(res::kSecrets, kReleaseNamespace, name);
    return s.isOk() ? s->value("data", Json::object()) : Json();
  }
  std::string caBundle() {
    auto c = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
    if (!c.isOk()) return "";
    return c->at("webhooks").at(0).value("clientConfig", Json::object()).value("caBundle", "");
  }
  bool webhookCertIssued() {
    Json d = secretData("paymesh-webhook-tls");
    return d.is_object() && !d.value("tls.crt", "").empty();
  }
};

TEST_F(ChartUpgradeTest, FromThePreviousChartVersionKeepsTheCaAndTheWebhookCertificate) {
  auto installed = helm("install paymesh " + kPreviousChart);
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  Json ca, cert;
  {
    auto op = startOperatorOfRelease("upgrade-old-operator.log");
    ASSERT_TRUE(op);
    ASSERT_TRUE(waitFor([&] { return webhookCertIssued(); }))
        << slurp(::testing::TempDir() + "/upgrade-old-operator.log");
    ca = secretData("paymesh-ca");
    cert = secretData("paymesh-webhook-tls");
    EXPECT_EQ(op->terminate(), 0);
  }
  ASSERT_FALSE(ca.value("tls.crt", "").empty());

  auto upgraded = helm("upgrade paymesh " + kChartDir);
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.out << upgraded.err;
  EXPECT_EQ(secretData("paymesh-webhook-tls"), cert) << "the upgrade changed the webhook's serving certificate";
  auto op = startOperatorOfRelease("upgrade-new-operator.log");
  ASSERT_TRUE(op);
  // The new chart brings the injector; the operator fills its caBundle from the same CA.
  ASSERT_TRUE(waitFor([&] { return !caBundle().empty(); }))
      << slurp(::testing::TempDir() + "/upgrade-new-operator.log");
  EXPECT_EQ(caBundle(), ca.value("ca.crt", ""));
  EXPECT_EQ(secretData("paymesh-ca"), ca) << "the mesh CA changed";
  EXPECT_EQ(secretData("paymesh-webhook-tls"), cert) << "the webhook certificate was reissued";
  EXPECT_EQ(op->terminate(), 0);
}

TEST_F(ChartUpgradeTest, AnUpgradeWithOtherValuesKeepsWhatTheOperatorWrote) {
  auto installed = helm("install paymesh " + kChartDir);
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  Json ca, cert;
  std::string bundle;
  {
    auto op = startOperatorOfRelease("upgrade-same-operator.log");
    ASSERT_TRUE(op);
    ASSERT_TRUE(waitFor([&] { return webhookCertIssued() && !caBundle().empty(); }))
        << slurp(::testing::TempDir() + "/upgrade-same-operator.log");
    ca = secretData("paymesh-ca");
    cert = secretData("paymesh-webhook-tls");
    bundle = caBundle();
    EXPECT_EQ(op->terminate(), 0);
  }
  // With the operator stopped, nothing but Helm touches the objects during the upgrade.
  auto upgraded = helm("upgrade paymesh " + kChartDir + " --set operator.workers=6 --set webhook.timeoutSeconds=8");
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.out << upgraded.err;
  EXPECT_EQ(secretData("paymesh-webhook-tls"), cert) << "helm upgrade reset the webhook's serving certificate";
  EXPECT_EQ(caBundle(), bundle) << "helm upgrade dropped the injector's caBundle";
  EXPECT_EQ(secretData("paymesh-ca"), ca);
  auto hook = client_->get(res::kMutatingWebhookConfigurations, "", "paymesh-sidecar-injector");
  ASSERT_TRUE(hook.isOk());
  EXPECT_EQ(hook->at("webhooks").at(0).value("timeoutSeconds", 0), 8) << "the upgrade's own change is applied";
  // What survives `helm uninstall`: the operator's CA Secret (not the release's).
  auto removed = helm("uninstall paymesh");
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  EXPECT_EQ(secretData("paymesh-ca"), ca);
  EXPECT_FALSE(client_->get(res::kSecrets, kReleaseNamespace, "paymesh-webhook-tls").isOk());
}

}  // namespace
}  // namespace paymesh::ctrl::testing
