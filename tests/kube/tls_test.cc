// The client's TLS paths against the emulator in HTTPS mode: CA from kubeconfig, untrusted
// servers refused, client certificates, token files re-read on rotation, in-cluster config.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "emulator/tls_certs.h"
#include "emulator_fixture.h"
#include "kube/errors.h"
#include "kube/kubeconfig.h"
#include "kube/rest_client.h"

namespace paymesh::kube {
namespace {

namespace fs = std::filesystem;
using resources::kConfigMaps;

class TlsTest : public testing::EmulatorTest {
protected:
  void SetUp() override {
    emulator::EmulatorOptions o;
    o.tls = true;
    o.api.token = "t2";
    startEmulator(o);
    dir_ = fs::temp_directory_path() / ("paymesh-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    testing::EmulatorTest::TearDown();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(TlsTest, KubeconfigWithCaAndToken) {
  auto cfg = parseKubeconfig(emulator_->kubeconfig("t2"), "", "");
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server.rfind("https://127.0.0.1:", 0), 0u);
  auto c = newClient(*cfg);
  auto list = c->list(kConfigMaps, "default", {});
  EXPECT_TRUE(list.isOk()) << list.status().toString();
}

TEST_F(TlsTest, UntrustedServerIsRefused) {
  ClusterConfig no_ca;
  no_ca.server = emulator_->url();
  no_ca.token = "t2";
  RestClientOptions opts;
  opts.request_timeout = std::chrono::seconds(5);
  auto r = newClient(no_ca, opts)->list(kConfigMaps, "default", {});
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().toString();

  auto other = emulator::generateCa("other");
  ClusterConfig wrong_ca = no_ca;
  wrong_ca.ca_pem = other.ca.cert_pem;
  auto r2 = newClient(wrong_ca, opts)->list(kConfigMaps, "default", {});
  EXPECT_EQ(r2.status().code(), Code::kUnavailable) << r2.status().toString();
}

TEST_F(TlsTest, ClientCertificate) {
  std::string error;
  auto leaf = emulator::issueLeaf(emulator_->ca(), "paymesh-operator", {}, {}, error);
  ASSERT_EQ(error, "");
  auto cfg = parseKubeconfig(emulator_->kubeconfig("t2", &leaf), "", "");
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_FALSE(cfg->client_cert_pem.empty());
  auto r = newClient(*cfg)->list(kConfigMaps, "default", {});
  EXPECT_TRUE(r.isOk()) << r.status().toString();
}

TEST_F(TlsTest, TokenFileIsReReadWhenItRotates) {
  fs::path token = dir_ / "token";
  std::ofstream(token) << "t1\n";
  ClusterConfig cfg;
  cfg.server = emulator_->url();
  cfg.ca_pem = emulator_->ca().cert_pem;
  cfg.token_file = token.string();
  auto c = newClient(cfg);
  EXPECT_EQ(c->list(kConfigMaps, "default", {}).status().code(), Code::kUnauthenticated);
  std::ofstream(token) << "t2\n";
  fs::last_write_time(token, fs::last_write_time(token) + std::chrono::seconds(1));
  auto r = c->list(kConfigMaps, "default", {});
  EXPECT_TRUE(r.isOk()) << r.status().toString();
}

TEST_F(TlsTest, InClusterConfig) {
  std::ofstream(dir_ / "token") << "t2";
  std::ofstream(dir_ / "ca.crt") << emulator_->ca().cert_pem;
  std::ofstream(dir_ / "namespace") << "default";
  std::string port = std::to_string(emulator_->port());
  auto env = [&](const std::string& k) -> std::string {
    if (k == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (k == "KUBERNETES_SERVICE_PORT") return port;
    return "";
  };
  auto cfg = loadConfig("", "", env, dir_.string());
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://127.0.0.1:" + port);
  auto r = newClient(*cfg)->create(kConfigMaps, cfg->default_namespace, testing::configMap("default", "from-pod"));
  EXPECT_TRUE(r.isOk()) << r.status().toString();
}

TEST_F(TlsTest, WatchOverTls) {
  ClusterConfig cfg;
  cfg.server = emulator_->url();
  cfg.ca_pem = emulator_->ca().cert_pem;
  cfg.token = "t2";
  auto c = newClient(cfg);
  std::atomic<bool> got{false};
  std::thread w([&] {
    WatchOptions opts;
    opts.resource_version = "0";
    opts.timeout = std::chrono::seconds(5);
    Status s = c->watch(kConfigMaps, "default", opts, [&](const WatchEvent& ev) {
      if (ev.type == EventType::kAdded) got = true;
      return ev.type != EventType::kAdded;
    }, {});
    EXPECT_TRUE(s.isOk()) << s.toString();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(c->create(kConfigMaps, "default", testing::configMap("default", "tls-w")).isOk());
  w.join();
  EXPECT_TRUE(got);
}

}  // namespace
}  // namespace paymesh::kube
