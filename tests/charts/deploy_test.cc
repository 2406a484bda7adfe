// deploy/: plain manifests for those who do not use Helm. deploy/paymesh.yaml is exactly
// `helm template paymesh charts/paymesh -n paymesh-system --include-crds`, and
// `kubectl apply -k deploy/` installs those objects (plus their namespace).
//
// After a reviewed chart change:
//   REFRESH_GOLDEN=1 build/default/tests/charts/chart_test --gtest_filter='DeployTest.*'

#include <cstdlib>
#include <fstream>
#include <map>

#include "charts/helm.h"
#include "support/tools.h"
#include "tests/e2e/operator_fixture.h"

namespace paymesh::ctrl::testing {
namespace {

using paymesh::testing::HelmArgs;
using paymesh::testing::helmTemplate;
using paymesh::testing::kubectlPath;
using paymesh::testing::Rendered;
using paymesh::testing::runCommand;
using paymesh::testing::slurp;

const std::string kDeploy = PAYMESH_SOURCE_DIR "/deploy";

Rendered defaultRender() {
  HelmArgs a;
  a.include_crds = true;
  Rendered r = helmTemplate(a);
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
  return r;
}

std::string keyOf(const Json& o) {
  return o.value("kind", "") + "/" + o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", "");
}

TEST(DeployTest, BaseIsTheChartsDefaultRender) {
  Rendered r = defaultRender();
  if (std::getenv("REFRESH_GOLDEN")) std::ofstream(kDeploy + "/paymesh.yaml", std::ios::binary) << r.run.out;
  EXPECT_EQ(slurp(kDeploy + "/paymesh.yaml"), r.run.out)
      << "deploy/paymesh.yaml drifted from the chart; regenerate it (see the top of this file)";
}

class DeployApplyTest : public OperatorTest {};

TEST_F(DeployApplyTest, KubectlApplyKustomizeInstallsWhatHelmWould) {
  auto built = runCommand(kubectlPath() + " kustomize " + kDeploy);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  auto docs = model::parseManifests(built.out, "kubectl kustomize deploy/");
  ASSERT_TRUE(docs.isOk()) << docs.status().message();
  std::map<std::string, Json> from_kustomize;
  for (const auto& d : *docs) from_kustomize[keyOf(d.doc.value)] = d.doc.value;
  Rendered helm = defaultRender();
  for (const auto& o : helm.objects) {
    auto it = from_kustomize.find(keyOf(o.value));
    ASSERT_NE(it, from_kustomize.end()) << keyOf(o.value) << " is not in the kustomize build";
    EXPECT_EQ(it->second, o.value) << keyOf(o.value);
    from_kustomize.erase(it);
  }
  ASSERT_EQ(from_kustomize.size(), 1u);
  EXPECT_EQ(from_kustomize.begin()->first, "Namespace//paymesh-system");

  auto applied = runCommand(kubectlPath() + " --kubeconfig " + kubeconfigFile() + " apply -k " + kDeploy);
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  for (const auto& o : helm.objects) {
    std::string ns = o.value["metadata"].value("namespace", "");
    auto got = runCommand(kubectlPath() + " --kubeconfig " + kubeconfigFile() + " get " + o.kind() + " " + o.name() +
                          (ns.empty() ? "" : " -n " + ns) + " -o json");
    ASSERT_EQ(got.exit_code, 0) << keyOf(o.value) << ": " << got.err;
    EXPECT_EQ(Json::parse(got.out)["metadata"]["labels"], o.value["metadata"]["labels"]) << keyOf(o.value);
  }
}

}  // namespace
}  // namespace paymesh::ctrl::testing
