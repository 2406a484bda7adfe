// Drives the real kubectl against the emulator: apply CRDs and resources, re-apply after a
// change (strategic merge patches for built-in kinds, merge patches for custom resources),
// printer columns, defaults, status patches, describe, delete with dependents.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "emulator/emulator.h"

namespace paymesh::emulator {
namespace {

namespace fs = std::filesystem;

// The fixture CRD and resources; see tests/testdata/kube/kubectl/.
const fs::path kTestData = fs::path(PAYMESH_SOURCE_DIR) / "tests/testdata/kube/kubectl";
// tools/bin/kubectl, as scripts/install-deps.sh installs it (see cmake/dependencies.cmake).
const char* kKubectl = PAYMESH_KUBECTL;

struct CmdResult {
  int code = -1;
  std::string out;
};

class KubectlE2e : public ::testing::Test {
protected:
  void SetUp() override {
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
    std::string cmd = std::string(kKubectl) + " --kubeconfig " + (dir_ / "kubeconfig").string() + " --cache-dir " +
                      (dir_ / "cache").string() + " " + args + " 2>&1";
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

// The project's own CRD and examples (crds/, examples/payments/), when present.
TEST_F(KubectlE2e, ProjectCrdAndExamples) {
  const fs::path crds = fs::path(PAYMESH_SOURCE_DIR) / "crds";
  const fs::path examples = fs::path(PAYMESH_SOURCE_DIR) / "examples/payments";
  if (!fs::exists(crds / "paymesh.io_paymentservices.yaml") || !fs::exists(examples))
    GTEST_SKIP() << "crds/ or examples/payments/ not present";
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

}  // namespace
}  // namespace paymesh::emulator
