#pragma once
// An emulator on a loopback port and a RestClient talking to it, for the client's tests.

#include <gtest/gtest.h>

#include <memory>

#include "emulator/emulator.h"
#include "kube/rest_client.h"

namespace paymesh::kube::testing {

inline Json pod(const std::string& ns, const std::string& name, Json labels = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example/app:1"}}}}}}};
}

inline Json configMap(const std::string& ns, const std::string& name, Json data = Json::object()) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}}, {"data", data}};
}

class EmulatorTest : public ::testing::Test {
protected:
  void startEmulator(emulator::EmulatorOptions options = {}) {
    if (options.api.bookmark_interval == std::chrono::milliseconds(1000))
      options.api.bookmark_interval = std::chrono::milliseconds(100);
    emulator_ = std::make_unique<emulator::Emulator>(options);
    ASSERT_EQ(emulator_->start(), "");
  }
  std::unique_ptr<RestClient> newClient(ClusterConfig cfg = {}, RestClientOptions opts = {}) {
    if (cfg.server.empty()) cfg.server = emulator_->url();
    auto c = RestClient::create(cfg, opts);
    EXPECT_TRUE(c.isOk()) << c.status().toString();
    return c.isOk() ? std::move(c).value() : nullptr;
  }
  void SetUp() override {
    startEmulator();
    client_ = newClient();
  }
  void TearDown() override {
    client_.reset();
    if (emulator_) emulator_->stop();
  }

  std::unique_ptr<emulator::Emulator> emulator_;
  std::unique_ptr<RestClient> client_;
};

}  // namespace paymesh::kube::testing
