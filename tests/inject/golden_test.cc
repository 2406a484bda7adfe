// The golden set (see golden_cases.h) through the library and through `paymeshctl inject`.

#include <gtest/gtest.h>

#include "golden_cases.h"
#include "inject/admit.h"
#include "support/run_command.h"
#include "yaml/yaml.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;
using paymesh::testing::runCommand;
using paymesh::testing::slurp;
using testing::goldenCases;

TEST(GoldenTest, TheSetCoversWhatAdmissionSees) {
  auto cases = goldenCases();
  std::vector<std::string> names;
  for (const auto& c : cases) names.push_back(c.name);
  for (const char* want :
       {"already-injected", "classic", "host-network", "init-containers", "opt-out", "replicaset-pod", "special-keys"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

TEST(GoldenTest, LibraryMatchesGoldenFiles) {
  auto services = testing::exampleServices();
  for (const auto& c : goldenCases()) {
    std::string ns = c.pod["metadata"].value("namespace", "default");
    Outcome o = admitPod(c.pod, ns, services[ns], c.mesh);
    ASSERT_NE(o.verdict, Verdict::kRefuse) << c.name << ": " << o.message;
    std::string got = testing::goldenText(o.pod);
    if (testing::refreshGolden()) std::ofstream(c.golden) << got;
    EXPECT_EQ(slurp(c.golden), got) << c.name << ": injection changed; review and REFRESH_GOLDEN=1";
    // The patch turns the pod as given into the golden pod.
    EXPECT_EQ(c.pod.patch(o.patch), o.pod) << c.name;
    // Injecting the stored pod again changes nothing.
    Outcome again = admitPod(o.pod, ns, services[ns], c.mesh);
    EXPECT_EQ(again.pod, o.pod) << c.name;
    EXPECT_EQ(again.patch, json::array()) << c.name;
  }
}

TEST(GoldenTest, AlreadyInjectedIsTheReplicaSetPodInjected) {
  EXPECT_EQ(json::parse(slurp(testing::kGoldenDir + "/already-injected.json")),
            json::parse(slurp(testing::kGoldenDir + "/replicaset-pod.json.patched")));
}

TEST(GoldenTest, PaymeshctlInjectGivesTheSamePods) {
  for (const auto& c : goldenCases()) {
    std::string cmd = paymesh::testing::paymeshctl() + " inject -f " + c.input + " --services " + testing::kServices;
    if (!c.mesh_file.empty()) cmd += " --mesh-config " + c.mesh_file;
    auto r = runCommand(cmd);
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    auto docs = yaml::parseYamlDocuments(r.out);
    ASSERT_TRUE(docs.isOk()) << docs.status().toString();
    ASSERT_EQ(docs->size(), 1u);
    EXPECT_EQ((*docs)[0].value, json::parse(slurp(c.golden))) << c.name;
  }
}

TEST(GoldenTest, PaymeshctlOutputPatchIsThePatch) {
  auto services = testing::exampleServices();
  for (const auto& c : goldenCases()) {
    std::string cmd = paymesh::testing::paymeshctl() + " inject --output-patch -f " + c.input + " --services " +
                      testing::kServices + (c.mesh_file.empty() ? "" : " --mesh-config " + c.mesh_file);
    auto r = runCommand(cmd);
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    EXPECT_EQ(c.pod.patch(json::parse(r.out)), json::parse(slurp(c.golden))) << c.name;
  }
}

TEST(GoldenTest, WorkloadsOfEveryKind) {
  const std::string input = testing::kGoldenDir + "/workloads.yaml";
  auto r = runCommand(paymesh::testing::paymeshctl() + " inject -f " + input + " --services " + testing::kServices);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (testing::refreshGolden()) std::ofstream(input + ".patched") << r.out;
  EXPECT_EQ(slurp(input + ".patched"), r.out) << "review and REFRESH_GOLDEN=1";
  auto docs = yaml::parseYamlDocuments(r.out);
  ASSERT_TRUE(docs.isOk());
  ASSERT_EQ(docs->size(), 7u) << "every document, in order";
  std::vector<std::string> kinds;
  for (const auto& d : *docs) kinds.push_back(d.value["kind"]);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "List", "Service"}));
  auto proxy = [](const json& pod_spec) { return pod_spec["initContainers"][0]["name"]; };
  EXPECT_EQ(proxy((*docs)[0].value["spec"]["template"]["spec"]), "paymesh-proxy");
  EXPECT_EQ(proxy((*docs)[4].value["spec"]["jobTemplate"]["spec"]["template"]["spec"]), "paymesh-proxy");
  EXPECT_EQ(proxy((*docs)[5].value["items"][0]["spec"]), "paymesh-proxy");
  EXPECT_EQ((*docs)[4].value["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]["paymesh.io/service"],
            "settlement");
  auto original = yaml::parseYamlDocuments(slurp(input));
  EXPECT_EQ((*docs)[5].value["items"][1], (*original)[5].value["items"][1]) << "the ConfigMap passes through";
  EXPECT_EQ((*docs)[6].value, (*original)[6].value) << "the Service passes through";
  EXPECT_EQ(r.err, "") << "every pod runs as its service's identity";
}

TEST(GoldenTest, ARefusedPodFailsTheCommandAndPrintsNothing) {
  auto r = runCommand(paymesh::testing::paymeshctl() + " inject -f " + testing::kGoldenDir +
                      "/refused.yaml --services " + testing::kServices);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, testing::kGoldenDir +
                       "/refused.yaml:6: Deployment payments/reporting: refused: no PaymentService selects pod "
                       "(unnamed) in namespace \"payments\" (labels: app=reporting): a pod that asked for the mesh "
                       "does not run without it; create a PaymentService whose spec.selector.matchLabels the pod "
                       "carries, or opt the pod out with the annotation paymesh.io/inject: \"false\"\n");
}

TEST(GoldenTest, PaymeshctlUsageAndUnreadableInput) {
  const std::string ctl = paymesh::testing::paymeshctl();
  EXPECT_EQ(runCommand(ctl + " inject --services " + testing::kServices).exit_code, 2);
  auto no_services = runCommand(ctl + " inject -f " + testing::kGoldenDir + "/classic.json");
  EXPECT_EQ(no_services.exit_code, 2);
  EXPECT_NE(no_services.err.find("give --services PATH"), std::string::npos) << no_services.err;
  auto missing = runCommand(ctl + " inject -f /nonexistent.yaml --services " + testing::kServices);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "/nonexistent.yaml: no such file or directory\n");
  auto broken = runCommand(ctl + " inject -f - --services " + testing::kServices, "a: [1\n");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.out, "");
  auto help = runCommand(ctl + " inject --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--output-patch"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::inject
