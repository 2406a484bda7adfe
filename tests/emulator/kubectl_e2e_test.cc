// Drives the real kubectl and helm against the emulator: apply CRDs and resources, re-apply
// after a change (strategic merge patches for built-in kinds, merge patches for custom
// resources), printer columns, defaults, status patches, describe, delete with dependents;
// the imperative verbs, which send built-in kinds as protobuf; server-side dry runs, which
// must never write; and a chart installed, upgraded and uninstalled with helm.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "base/base64.h"
#include "emulator/emulator.h"
#include "support/tools.h"

namespace paymesh::emulator {
namespace {

namespace fs = std::filesystem;

// The fixture CRD and resources; see tests/testdata/kube/kubectl/.
const fs::path kTestData = fs::path(PAYMESH_SOURCE_DIR) / "tests/testdata/kube/kubectl";

struct CmdResult {
  int code = -1;
  std::string out;
};

class KubectlE2e : public ::testing::Test {
protected:
  void SetUp() override {
    kubectl_ = paymesh::testing::kubectlPath();
    EmulatorOptions o;
    o.api.namespace_finalize_delay = std::chrono::milliseconds(300);
    emulator_ = std::make_unique<Emulator>(o);
    ASSERT_EQ(emulator_->start(), "");
    dir_ = fs::temp_directory_path() / ("paymesh-kubectl-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "kubeconfig") << emulator_->kubeconfig();
  }
  void TearDown() override {
    if (emulator_) emulator_->stop();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  CmdResult kubectl(const std::string& args) {
    return run(kubectl_ + " --kubeconfig " + (dir_ / "kubeconfig").string() + " --cache-dir " +
               (dir_ / "cache").string() + " " + args);
  }

  // Runs kubectl, expecting success and `want` in its output (when given).
  CmdResult kubectlOk(const std::string& args, const std::string& want = "") {
    CmdResult r = kubectl(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
    if (!want.empty()) {
      EXPECT_NE(r.out.find(want), std::string::npos) << args << "\n" << r.out;
    }
    return r;
  }

  // helm with its state (cache, config, data) in the test's folder.
  CmdResult helm(const std::string& args) {
    std::string home = (dir_ / "helm").string();
    return run("HELM_CACHE_HOME=" + home + "/cache HELM_CONFIG_HOME=" + home + "/config HELM_DATA_HOME=" + home +
               "/data " + helm_ + " --kubeconfig " + (dir_ / "kubeconfig").string() + " " + args);
  }

  CmdResult run(const std::string& command) {
    std::string cmd = command + " 2>&1";
    CmdResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  fs::path writeChanged(const fs::path& src, const std::vector<std::pair<std::string, std::string>>& edits) {
    std::ifstream in(src);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    for (const auto& [from, to] : edits) {
      auto pos = text.find(from);
      EXPECT_NE(pos, std::string::npos) << from;
      if (pos != std::string::npos) text.replace(pos, from.size(), to);
    }
    fs::path out = dir_ / src.filename();
    std::ofstream(out) << text;
    return out;
  }

  nlohmann::json object(const std::string& group, const std::string& resource, const std::string& name) {
    for (const auto& o : emulator_->api().objects(group, resource)) {
      if (o["metadata"].value("name", "") == name) return o;
    }
    return nullptr;
  }

  std::unique_ptr<Emulator> emulator_;
  fs::path dir_;
  std::string kubectl_;
  std::string helm_ = paymesh::testing::helmPath();
};

TEST_F(KubectlE2e, ApplyGetPatchDescribeDelete) {
  CmdResult r = kubectl("apply -f " + (kTestData / "crds").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("customresourcedefinition.apiextensions.k8s.io/paymentservices.paymesh.io created"),
            std::string::npos)
      << r.out;

  r = kubectl("apply -f " + (kTestData / "examples").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("paymentservice.paymesh.io/settlement created"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pod/settlement-0 created"), std::string::npos) << r.out;

  // Re-apply unchanged. kubectl still sends the CR's ports list (the server defaulted a field
  // inside it, and a merge patch replaces lists whole), as against kube-apiserver; the write
  // is a no-op and keeps the resourceVersion.
  std::string rv = object("paymesh.io", "paymentservices", "settlement")["metadata"]["resourceVersion"];
  r = kubectl("apply -f " + (kTestData / "examples").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("pod/settlement-0 unchanged"), std::string::npos) << r.out;
  EXPECT_EQ(object("paymesh.io", "paymentservices", "settlement")["metadata"]["resourceVersion"], rv);

  // Re-apply after a change: strategic merge patches for the ConfigMap and the Pod, a merge
  // patch for the custom resource.
  fs::path changed = writeChanged(kTestData / "examples/settlement.yaml", {{"port: 50051}", "port: 50052}"},
                                                                           {"mode: \"one\"", "mode: \"two\""},
                                                                           {"settlement:1.0", "settlement:1.1"},
                                                                           {"settlement:2.0", "settlement:2.1"}});
  r = kubectl("apply -f " + changed.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("paymentservice.paymesh.io/settlement configured"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("configmap/settlement-extra configured"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pod/settlement-0 configured"), std::string::npos) << r.out;
  auto psvc = object("paymesh.io", "paymentservices", "settlement");
  ASSERT_FALSE(psvc.is_null());
  EXPECT_EQ(psvc["spec"]["ports"][0]["port"], 50052);
  EXPECT_EQ(psvc["metadata"]["generation"], 2);
  EXPECT_EQ(object("", "configmaps", "settlement-extra")["data"]["mode"], "two");
  auto p = object("", "pods", "settlement-0");
  ASSERT_EQ(p["spec"]["containers"].size(), 1u);
  EXPECT_EQ(p["spec"]["containers"][0]["image"], "registry.example/settlement:1.1");
  EXPECT_EQ(p["spec"]["containers"][0]["ports"][0]["containerPort"], 50051);
  EXPECT_NE(r.out.find("deployment.apps/settlement configured"), std::string::npos) << r.out;
  auto d = object("apps", "deployments", "settlement");
  ASSERT_EQ(d["spec"]["template"]["spec"]["containers"].size(), 2u);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"], "registry.example/settlement:2.1");
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][1]["image"], "registry.example/metrics:1.0");

  // Printer columns, through the short name.
  r = kubectl("get psvc -A");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("NAMESPACE +NAME +ALGORITHM +TLS +READY +AGE"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("payments +settlement +Maglev +STRICT"))) << r.out;

  // Defaults from the schema are filled in.
  r = kubectl("get paymentservice settlement -n payments -o yaml");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("algorithm: Maglev"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tableSize: 65537"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("protocol: GRPC"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mode: STRICT"), std::string::npos) << r.out;

  // Status subresource.
  r = kubectl(
      "patch psvc settlement -n payments --subresource=status --type=merge "
      "-p '{\"status\":{\"observedGeneration\":2,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}'");
  ASSERT_EQ(r.code, 0) << r.out;
  r = kubectl("get psvc -n payments");
  EXPECT_TRUE(std::regex_search(r.out, std::regex("settlement +Maglev +STRICT +True"))) << r.out;
  EXPECT_EQ(object("paymesh.io", "paymentservices", "settlement")["metadata"]["generation"], 2);

  r = kubectl("describe psvc settlement -n payments");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Table Size:  65537"), std::string::npos) << r.out;

  // Required fields are enforced.
  fs::path bad = dir_ / "bad.yaml";
  std::ofstream(bad)
      << "apiVersion: paymesh.io/v1alpha1\nkind: PaymentService\nmetadata: {name: bad, namespace: payments}\n"
         "spec: {selector: {matchLabels: {app: x}}}\n";
  r = kubectl("apply -f " + bad.string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("spec.ports: Required value"), std::string::npos) << r.out;

  // A dependent owned by the PaymentService goes when its owner goes.
  std::string uid = object("paymesh.io", "paymentservices", "settlement")["metadata"]["uid"];
  fs::path dep = dir_ / "dependent.yaml";
  std::ofstream(dep)
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settlement-paymesh\n  namespace: payments\n"
         "  ownerReferences:\n  - {apiVersion: paymesh.io/v1alpha1, kind: PaymentService, name: settlement, uid: "
      << uid << ", controller: true}\ndata: {ring.json: '{}'}\n";
  r = kubectl("apply -f " + dep.string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = kubectl("delete psvc settlement -n payments");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(object("", "configmaps", "settlement-paymesh").is_null());

  r = kubectl("delete -f " + changed.string() + " --ignore-not-found");
  ASSERT_EQ(r.code, 0) << r.out;
  for (int i = 0; i < 250 && !object("", "namespaces", "payments").is_null(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(object("", "namespaces", "payments").is_null());
  EXPECT_TRUE(object("", "pods", "settlement-0").is_null());
  EXPECT_TRUE(object("", "configmaps", "settlement-extra").is_null());
  EXPECT_TRUE(object("apps", "deployments", "settlement").is_null());

  r = kubectl("delete -f " + (kTestData / "crds").string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = kubectl("get psvc -A");
  EXPECT_NE(r.code, 0) << r.out;  // the resource type is gone with its CRD
}

// The project's own CRD and examples (crds/, examples/payments/).
TEST_F(KubectlE2e, ProjectCrdAndExamples) {
  const fs::path crds = fs::path(PAYMESH_SOURCE_DIR) / "crds";
  const fs::path examples = fs::path(PAYMESH_SOURCE_DIR) / "examples/payments";
  CmdResult r = kubectl("apply -f " + crds.string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = kubectl("apply -f " + examples.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("paymentservice.paymesh.io/ledger created"), std::string::npos) << r.out;
  r = kubectl("apply -f " + examples.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("created"), std::string::npos) << r.out;

  r = kubectl("get psvc -A");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("NAMESPACE +NAME +POLICY +ENDPOINTS +READY +AGE"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("payments +ledger +RoundRobin"))) << r.out;

  // Schema defaults: ledger says nothing about discovery.
  auto ledger = object("paymesh.io", "paymentservices", "ledger");
  ASSERT_FALSE(ledger.is_null());
  EXPECT_EQ(ledger["spec"]["discovery"]["ring"]["algorithm"], "Maglev") << ledger.dump();
  r = kubectl("get psvc ledger -n payments -o yaml");
  EXPECT_NE(r.out.find("algorithm: Maglev"), std::string::npos) << r.out;

  r = kubectl(
      "patch psvc ledger -n payments --subresource=status --type=merge "
      "-p "
      "'{\"status\":{\"endpoints\":3,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Reconciled\","
      "\"message\":\"ok\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}'");
  ASSERT_EQ(r.code, 0) << r.out;
  r = kubectl("get psvc -n payments ledger");
  EXPECT_TRUE(std::regex_search(r.out, std::regex("ledger +RoundRobin +3 +True"))) << r.out;

  // The namespace may finish terminating before kubectl reaches the last object.
  r = kubectl("delete -f " + examples.string() + " --ignore-not-found");
  ASSERT_EQ(r.code, 0) << r.out;
  for (int i = 0; i < 250 && !object("", "namespaces", "payments").is_null(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(emulator_->api().objects("paymesh.io", "paymentservices").empty());
  EXPECT_TRUE(emulator_->api().objects("apps", "deployments").empty());
  r = kubectl("delete -f " + crds.string());
  ASSERT_EQ(r.code, 0) << r.out;
}

// kubectl's generators send built-in kinds as protobuf (Content-Type
// application/vnd.kubernetes.protobuf); the emulator decodes them into what kube-apiserver
// would have stored.
TEST_F(KubectlE2e, ImperativeVerbsSendProtobuf) {
  kubectlOk("create namespace demo", "namespace/demo created");
  EXPECT_EQ(object("", "namespaces", "demo")["status"]["phase"], "Active");

  kubectlOk("create configmap app-config -n demo --from-literal=mode=fast --from-literal=empty=");
  EXPECT_EQ(object("", "configmaps", "app-config")["data"], nlohmann::json({{"mode", "fast"}, {"empty", ""}}));

  kubectlOk("create secret generic creds -n demo --from-literal=password=s3cr3t");
  auto secret = object("", "secrets", "creds");
  EXPECT_EQ(secret["data"]["password"], base64Encode("s3cr3t"));
  EXPECT_EQ(secret["type"], "Opaque");

  kubectlOk("run web -n demo --image=registry.example/web:1.0 --port=8080 --env=MODE=fast --labels=app=web,tier=front",
            "pod/web created");
  auto pod = object("", "pods", "web");
  ASSERT_FALSE(pod.is_null());
  EXPECT_EQ(pod["metadata"]["labels"], nlohmann::json({{"app", "web"}, {"tier", "front"}}));
  const auto& c = pod["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "registry.example/web:1.0");
  EXPECT_EQ(c["ports"][0]["containerPort"], 8080);
  EXPECT_EQ(c["env"][0], nlohmann::json({{"name", "MODE"}, {"value", "fast"}}));
  EXPECT_EQ(pod["status"]["phase"], "Pending");

  // A pointer set to zero survives the decoding (replicas: 0 is not "unset").
  kubectlOk("create deployment api -n demo --image=registry.example/api:1 --replicas=0 --port=9090");
  auto d = object("apps", "deployments", "api");
  EXPECT_EQ(d["spec"]["replicas"], 0);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"], 9090);

  kubectlOk("create service clusterip api -n demo --tcp=80:9090");
  EXPECT_EQ(object("", "services", "api")["spec"]["ports"][0]["targetPort"], 9090);
  kubectlOk("create serviceaccount builder -n demo");
  kubectlOk("create role reader -n demo --verb=get,list --resource=pods");
  EXPECT_EQ(object("rbac.authorization.k8s.io", "roles", "reader")["rules"][0]["verbs"],
            nlohmann::json({"get", "list"}));
  kubectlOk("create clusterrole system:demo-reader --verb=get --resource=configmaps");  // RBAC names are path segments:
                                                                                        // ':' is fine
  kubectlOk("create rolebinding builder-reads -n demo --role=reader --serviceaccount=demo:builder");
  EXPECT_EQ(object("rbac.authorization.k8s.io", "rolebindings", "builder-reads")["subjects"][0]["name"], "builder");

  kubectlOk("get pods,configmaps,secrets,deployments,services -n demo", "pod/web");

  // Errors come back as kube-apiserver words them.
  CmdResult r = kubectl("create namespace Bad_Name");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("a lowercase RFC 1123 label must consist of lower case alphanumeric characters"),
            std::string::npos)
      << r.out;
  r = kubectl("create configmap app-config -n demo --from-literal=a=b");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("already exists"), std::string::npos) << r.out;
  kubectlOk("delete namespace demo");
}

// kubectl diff and the server-side dry runs send dryRun=All: the emulator answers what
// would happen and writes nothing.
TEST_F(KubectlE2e, DryRunsNeverWrite) {
  kubectlOk("apply -f " + (kTestData / "crds").string());
  kubectlOk("apply -f " + (kTestData / "examples").string());
  uint64_t rv = emulator_->api().resourceVersion();
  fs::path changed = writeChanged(kTestData / "examples/settlement.yaml", {{"replicas: 2", "replicas: 5"}});

  CmdResult r = kubectl("diff -f " + changed.string());
  EXPECT_EQ(r.code, 1) << r.out;  // 1: there are differences
  EXPECT_NE(r.out.find("+  replicas: 5"), std::string::npos) << r.out;
  kubectlOk("apply --dry-run=server -f " + changed.string(), "deployment.apps/settlement configured (server dry run)");
  kubectlOk("delete deployment settlement -n payments --dry-run=server", "deleted (server dry run)");
  kubectlOk("create configmap dry -n payments --from-literal=a=b --dry-run=server");
  kubectlOk("delete namespace payments --dry-run=server");

  EXPECT_EQ(emulator_->api().resourceVersion(), rv);  // nothing was written
  EXPECT_EQ(object("apps", "deployments", "settlement")["spec"]["replicas"], 2);
  EXPECT_TRUE(object("", "configmaps", "dry").is_null());
  EXPECT_EQ(object("", "namespaces", "payments")["status"]["phase"], "Active");
}

// helm stores its release record as a Secret, through the protobuf client; the chart's
// objects go through the dynamic client as JSON.
TEST_F(KubectlE2e, HelmInstallUpgradeUninstall) {
  const std::string chart = (fs::path(PAYMESH_SOURCE_DIR) / "tests/testdata/kube/helm/ledger").string();
  CmdResult r = helm("install ledger " + chart + " -n ledger --create-namespace");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("STATUS: deployed"), std::string::npos) << r.out;
  EXPECT_EQ(object("", "configmaps", "ledger-config")["data"]["mode"], "fast");
  EXPECT_EQ(object("apps", "deployments", "ledger")["spec"]["replicas"], 1);
  auto release = object("", "secrets", "sh.helm.release.v1.ledger.v1");
  ASSERT_FALSE(release.is_null());
  EXPECT_EQ(release["type"], "helm.sh/release.v1");
  EXPECT_EQ(release["metadata"]["labels"]["status"], "deployed");

  r = helm("upgrade ledger " + chart + " -n ledger --set mode=safe --set replicas=3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(object("", "configmaps", "ledger-config")["data"]["mode"], "safe");
  EXPECT_EQ(object("apps", "deployments", "ledger")["spec"]["replicas"], 3);
  EXPECT_EQ(object("", "secrets", "sh.helm.release.v1.ledger.v1")["metadata"]["labels"]["status"], "superseded");
  EXPECT_EQ(object("", "secrets", "sh.helm.release.v1.ledger.v2")["metadata"]["labels"]["status"], "deployed");
  r = helm("list -n ledger");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("ledger\\s+ledger\\s+2\\s+.*deployed"))) << r.out;

  r = helm("uninstall ledger -n ledger");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(object("", "configmaps", "ledger-config").is_null());
  EXPECT_TRUE(object("apps", "deployments", "ledger").is_null());
  EXPECT_TRUE(object("", "services", "ledger").is_null());
  EXPECT_TRUE(emulator_->api().objects("", "secrets", "ledger").empty());  // the release records too
}

}  // namespace
}  // namespace paymesh::emulator
