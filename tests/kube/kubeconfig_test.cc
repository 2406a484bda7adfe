#include "kube/kubeconfig.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace paymesh::kube {
namespace {

namespace fs = std::filesystem;

const char* kConfig = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0EtUEVN
- name: prod-cluster
  cluster:
    server: https://prod.example:443
    certificate-authority: ca.pem
    tls-server-name: api.prod.example
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
    tokenFile: token
- name: exec-user
  user:
    exec: {command: get-token, apiVersion: client.authentication.k8s.io/v1}
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user, namespace: payments}
- name: exec
  context: {cluster: dev-cluster, user: exec-user}
)";

GetEnv envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) {
    auto it = vars.find(k);
    return it == vars.end() ? std::string() : it->second;
  };
}

class KubeconfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("paymesh-kubeconfig-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ca.pem") << "PROD-CA";
    std::ofstream(dir_ / "config") << kConfig;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KubeconfigTest, CurrentContext) {
  auto cfg = loadKubeconfig((dir_ / "config").string());
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://127.0.0.1:6443");
  EXPECT_EQ(cfg->ca_pem, "CA-PEM");
  EXPECT_EQ(cfg->token, "dev-token");
  EXPECT_EQ(cfg->default_namespace, "default");
}

TEST_F(KubeconfigTest, NamedContextWithFilesRelativeToTheConfig) {
  auto cfg = loadKubeconfig((dir_ / "config").string(), "prod");
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://prod.example:443");
  EXPECT_EQ(cfg->ca_pem, "PROD-CA");
  EXPECT_EQ(cfg->tls_server_name, "api.prod.example");
  EXPECT_EQ(cfg->client_cert_pem, "CERT");
  EXPECT_EQ(cfg->client_key_pem, "KEY");
  EXPECT_EQ(cfg->token_file, (dir_ / "token").string());
  EXPECT_EQ(cfg->default_namespace, "payments");
}

TEST_F(KubeconfigTest, ClearErrors) {
  auto exec = parseKubeconfig(kConfig, "exec", "");
  EXPECT_EQ(exec.status().code(), Code::kUnimplemented);
  EXPECT_NE(exec.status().message().find("exec credential plugins are not supported"), std::string::npos);

  auto missing = parseKubeconfig(kConfig, "nope", "");
  EXPECT_NE(missing.status().message().find("context \"nope\" not found"), std::string::npos);

  auto insecure = parseKubeconfig(
      "current-context: c\ncontexts: [{name: c, context: {cluster: x}}]\n"
      "clusters: [{name: x, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]\n", "", "");
  EXPECT_NE(insecure.status().message().find("TLS verification is always on"), std::string::npos);

  auto bad_b64 = parseKubeconfig(
      "current-context: c\ncontexts: [{name: c, context: {cluster: x}}]\n"
      "clusters: [{name: x, cluster: {server: 'https://a', certificate-authority-data: '%%%'}}]\n", "", "");
  EXPECT_NE(bad_b64.status().message().find("certificate-authority-data: not valid base64"), std::string::npos);

  EXPECT_EQ(parseKubeconfig("[unclosed", "", "").status().code(), Code::kInvalidArgument);
  auto unreadable = loadKubeconfig((dir_ / "missing").string());
  EXPECT_NE(unreadable.status().message().find("cannot read"), std::string::npos);
  auto no_ca_file = parseKubeconfig(
      "current-context: c\ncontexts: [{name: c, context: {cluster: x}}]\n"
      "clusters: [{name: x, cluster: {server: 'https://a', certificate-authority: /nonexistent/ca}}]\n", "", "");
  EXPECT_NE(no_ca_file.status().message().find("certificate-authority: cannot read /nonexistent/ca"), std::string::npos)
      << no_ca_file.status().message();
}

TEST_F(KubeconfigTest, PathPrecedence) {
  EXPECT_EQ(kubeconfigPath("/flag", envOf({{"KUBECONFIG", "/a:/b"}, {"HOME", "/h"}})), "/flag");
  EXPECT_EQ(kubeconfigPath("", envOf({{"KUBECONFIG", "/a:/b"}, {"HOME", "/h"}})), "/a");
  EXPECT_EQ(kubeconfigPath("", envOf({{"HOME", "/h"}})), "/h/.kube/config");
}

TEST_F(KubeconfigTest, InCluster) {
  std::ofstream(dir_ / "token") << "sa-token\n";
  std::ofstream(dir_ / "ca.crt") << "SA-CA";
  std::ofstream(dir_ / "namespace") << "payments";
  auto env = envOf({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  auto cfg = inClusterConfig(env, dir_.string());
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://10.0.0.1:443");
  EXPECT_EQ(cfg->ca_pem, "SA-CA");
  EXPECT_EQ(cfg->token_file, (dir_ / "token").string());
  EXPECT_EQ(cfg->default_namespace, "payments");

  auto v6 = inClusterConfig(envOf({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
                            dir_.string());
  ASSERT_TRUE(v6.isOk());
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");

  EXPECT_EQ(inClusterConfig(envOf({}), dir_.string()).status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(inClusterConfig(env, (dir_ / "nope").string()).isOk());
}

}  // namespace
}  // namespace paymesh::kube
