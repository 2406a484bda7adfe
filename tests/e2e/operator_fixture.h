#pragma once
// The operator against the in-process Kubernetes API emulator: the CRD installed, the
// example platform applied, pods created with a status, and what the operator should
// have written computed with the same pure functions `paymeshctl render` runs.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "emulator/emulator.h"
#include "kube/errors.h"
#include "kube/rest_client.h"
#include "model/manifest.h"
#include "operator/controller/controller.h"
#include "operator/controller/mesh_ca.h"
#include "operator/desired/build_desired.h"
#include "policy/manifest_inputs.h"

namespace paymesh::ctrl::testing {

using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace res = kube::resources;

inline bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 60s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

inline std::vector<model::Manifest> readAll(const std::vector<std::string>& paths) {
  std::vector<model::Manifest> all;
  for (const auto& p : paths) {
    auto ms = model::readManifests(p);
    EXPECT_TRUE(ms.isOk()) << ms.status().message();
    if (ms.isOk())
      for (auto& m : *ms) all.push_back(std::move(m));
  }
  return all;
}

// The paymesh-sidecar-injector configuration as the chart installs it (no caBundle yet).
inline Json injectorConfiguration() {
  return {
      {"apiVersion", "admissionregistration.k8s.io/v1"},
      {"kind", "MutatingWebhookConfiguration"},
      {"metadata", {{"name", "paymesh-sidecar-injector"}}},
      {"webhooks",
       {{{"name", "inject.paymesh.io"},
         {"clientConfig",
          {{"service", {{"name", "paymesh-webhook"}, {"namespace", "paymesh-system"}, {"path", "/inject"}}}}},
         {"admissionReviewVersions", {"v1"}},
         {"sideEffects", "None"},
         {"failurePolicy", "Ignore"},
         {"rules",
          {{{"operations", {"CREATE"}}, {"apiGroups", {""}}, {"apiVersions", {"v1"}}, {"resources", {"pods"}}}}}}}}};
}

// Who holds the operator's leader Lease ("" when no one does).
inline std::string leaseHolder(kube::Client& c) {
  auto l = c.get(res::kLeases, "paymesh-system", "paymesh-operator");
  return l.isOk() ? l->at("spec").value("holderIdentity", "") : "";
}

// The command line of one electing replica `id` with a 3 s lease, for tests of takeover.
inline std::vector<std::string> electingReplicaArgs(const std::string& kubeconfig, const std::string& id) {
  return {"--kubeconfig", kubeconfig, "--metrics-addr",   "0",  "--health-addr",    "0",  "--leader-elect",
          "--identity",   id,         "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period",
          "250ms"};
}

// A child process running the paymesh-operator binary.
class OperatorProcess {
public:
  OperatorProcess(const std::vector<std::string>& args, const std::string& log_path) {
    // Emptied before the child starts: a test that reads the log at once must never see
    // an earlier run's lines (the child opens it only after the fork).
    if (FILE* f = std::fopen(log_path.c_str(), "w")) std::fclose(f);
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log_path.c_str(), "w");
      if (f) {
        dup2(fileno(f), 2);
        dup2(fileno(f), 1);
      }
      std::vector<char*> argv;
      std::string bin = PAYMESH_BINARY_DIR "/operator/paymesh-operator";
      argv.push_back(bin.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
  }
  ~OperatorProcess() { kill(SIGKILL); }
  void kill(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_status_ = status;
    pid_ = -1;
  }
  // SIGTERM, then the exit code (or -1 if it had to be killed).
  int terminate(std::chrono::milliseconds grace = 20s) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    kill(SIGKILL);
    return -1;
  }
  bool running() const { return pid_ > 0; }
  // SIGSTOP, returning once the process is stopped; SIGCONT.
  void pause() {
    ::kill(pid_, SIGSTOP);
    int status = 0;
    waitpid(pid_, &status, WUNTRACED);
  }
  void resume() { ::kill(pid_, SIGCONT); }

private:
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

// What the operator should have written for a service: its ConfigMap, and what its
// status reports (missing dependencies, ring checksum, config hash).
struct Expected {
  Json config_map;
  Observed observed;
  std::string config_hash() const { return observed.config_hash; }
};

class OperatorTest : public ::testing::Test {
public:
  void SetUp() override { startEmulator(); }

  void startEmulator() {
    emulator::EmulatorOptions eo;
    eo.api.bookmark_interval = 100ms;
    eo.api.history = 100000;
    eo.api.record_requests = true;  // who asked for what: the chart's RBAC is checked against it
    eo.api.record_writes = true;    // which replica's write landed when
    emulator_ = std::make_unique<emulator::Emulator>(eo);
    ASSERT_EQ(emulator_->start(), "");
    kube::ClusterConfig cfg;
    cfg.server = emulator_->url();
    auto c = kube::RestClient::create(cfg);
    ASSERT_TRUE(c.isOk()) << c.status().toString();
    client_ = std::move(c).value();
    if (install_crd_) installCrd();
    for (const char* ns : {"payments", "paymesh-system"}) {
      Json n = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
      auto r = client_->create(res::kNamespaces, "", n);
      ASSERT_TRUE(r.isOk() || kube::isAlreadyExists(r.status())) << r.status().toString();
    }
  }

  void installCrd() {
    auto crd = readAll({PAYMESH_SOURCE_DIR "/crds/paymesh.io_paymentservices.yaml"});
    ASSERT_EQ(crd.size(), 1u);
    ASSERT_TRUE(client_->create(res::kCustomResourceDefinitions, "", crd[0].doc.value).isOk());
  }

  void TearDown() override {
    stopOperator();
    client_.reset();
    if (emulator_) emulator_->stop();
  }

  const model::MeshConfig& mesh() {
    static const model::MeshConfig m = *model::parseMeshConfig(Json::object()).config;
    return m;
  }

  void startOperator(ControllerOptions options = {}) {
    auto state = ensureMeshCa(*client_, mesh(), options.reconciler.now());
    ASSERT_TRUE(state.isOk()) << state.status().toString();
    controller_ = std::make_unique<Controller>(*client_, options, &metrics_);
    ASSERT_TRUE(controller_->start(*state, 60s).isOk());
  }
  void stopOperator() {
    if (controller_) controller_->stop();
    controller_.reset();
  }

  // The PaymentServices of examples/payments and the JWKS ConfigMaps they read (other
  // kinds are not the operator's input).
  void applyServices() {
    for (const auto& m : readAll({PAYMESH_SOURCE_DIR "/examples/payments"})) {
      bool jwks = m.kind() == "ConfigMap" &&
                  m.doc.value["metadata"].value("labels", Json::object()).contains(model::kJwksLabel);
      if (m.kind() != "PaymentService" && !jwks) continue;
      auto r = client_->create(jwks ? res::kConfigMaps : res::kPaymentServices, m.namespaceOr("default"), m.doc.value);
      ASSERT_TRUE(r.isOk()) << r.status().toString();
    }
  }

  // Creates a pod and sets its status as a kubelet would.
  void createPod(const Json& pod) {
    Json spec_only = pod;
    spec_only.erase("status");
    std::string ns = pod["metadata"].value("namespace", "default");
    auto created = client_->create(res::kPods, ns, spec_only);
    ASSERT_TRUE(created.isOk()) << created.status().toString();
    if (pod.contains("status")) setPodStatus(*created, pod["status"]);
  }
  // The same for many pods, through the emulator's handler without HTTP (what thousands
  // of pods cost a test is then the operator's work, not the test's own requests).
  void createPodsInProcess(const std::vector<Json>& pods) {
    auto call = [&](const std::string& method, const std::string& path, const Json& body) {
      emulator::HttpRequest req;
      req.method = method;
      req.path = path;
      req.headers["content-type"] = "application/json";
      req.body = body.dump();
      return emulator_->api().handle(req);
    };
    for (const Json& pod : pods) {
      Json spec_only = pod;
      spec_only.erase("status");
      std::string ns = pod["metadata"].value("namespace", "default");
      auto created = call("POST", "/api/v1/namespaces/" + ns + "/pods", spec_only);
      ASSERT_EQ(created.status, 201) << created.body;
      Json with_status = Json::parse(created.body);
      with_status["status"] = pod["status"];
      auto updated =
          call("PUT", "/api/v1/namespaces/" + ns + "/pods/" + pod["metadata"]["name"].get<std::string>() + "/status",
               with_status);
      ASSERT_EQ(updated.status, 200) << updated.body;
    }
  }
  void setPodStatus(Json pod, const Json& status) {
    pod["status"] = status;
    auto r = client_->updateStatus(res::kPods, pod);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }
  void applyPods() {
    for (const auto& m : readAll({PAYMESH_SOURCE_DIR "/examples/endpoints"})) createPod(m.doc.value);
  }

  // What `paymeshctl render` prints for the manifests (the same buildDesired over the
  // files), by "ns/name".
  std::map<std::string, Expected> expectedConfigs(const std::vector<Json>& extra = {},
                                                  const std::vector<std::string>& without = {},
                                                  const model::MeshConfig* mesh_config = nullptr) {
    auto all = readAll({PAYMESH_SOURCE_DIR "/examples/payments", PAYMESH_SOURCE_DIR "/examples/endpoints"});
    std::string text;
    for (const auto& e : extra) text += e.dump() + "\n---\n";
    if (!text.empty()) {
      auto ms = model::parseManifests(text, "extra");
      EXPECT_TRUE(ms.isOk());
      for (auto& m : *ms) all.push_back(std::move(m));
    }
    std::vector<model::Manifest> kept;
    for (auto& m : all) {
      bool drop = m.kind() == "PaymentService" && std::find(without.begin(), without.end(), m.name()) != without.end();
      if (!drop) kept.push_back(std::move(m));
    }
    auto in = policy::collectInputs(kept);
    EXPECT_TRUE(in.errors.empty());
    std::map<std::string, Expected> out;
    for (const auto& [ns, space] : in.namespaces) {
      NamespaceView view(space);
      for (const auto& [n, s] : space.services) {
        Desired d = buildDesired({s, view, mesh_config ? *mesh_config : mesh()});
        EXPECT_TRUE(d.config_map.has_value()) << d.observed.config_error;
        if (d.config_map) out[kube::Store::keyOf(ns, n)] = {Json(*d.config_map), d.observed};
      }
    }
    return out;
  }

  // Whether the cluster holds exactly these ConfigMaps' data, labels and annotations.
  std::string configMapsDiffer(const std::map<std::string, Expected>& want) {
    for (const auto& [key, cfg] : want) {
      std::string ns = key.substr(0, key.find('/'));
      std::string name = cfg.config_map["metadata"]["name"];
      auto got = client_->get(res::kConfigMaps, ns, name);
      if (!got.isOk()) return key + ": " + got.status().toString();
      Json data = got->value("data", Json::object());
      const Json& files = cfg.config_map["data"];
      if (data.size() != files.size()) return key + ": file count differs";
      for (auto it = files.begin(); it != files.end(); ++it) {
        if (!data.contains(it.key()) || data[it.key()] != it.value()) return key + ": " + it.key() + " differs";
      }
      if ((*got)["metadata"]["annotations"].value("paymesh.io/config-hash", "") != cfg.config_hash())
        return key + ": config hash differs";
    }
    return "";
  }

  std::vector<Json> services() {
    auto l = client_->list(res::kPaymentServices, "", {});
    return l.isOk() ? l->items : std::vector<Json>{};
  }

  static std::string conditionStatus(const Json& svc, const std::string& type) {
    for (const auto& c : svc.value("status", Json::object()).value("conditions", Json::array()))
      if (c.value("type", "") == type) return c.value("status", "");
    return "";
  }

  // A condition of a service in namespace payments (null when absent).
  Json condition(const std::string& service, const std::string& type) {
    auto s = client_->get(res::kPaymentServices, "payments", service);
    if (!s.isOk()) return nullptr;
    for (const auto& c : s->value("status", Json::object()).value("conditions", Json::array()))
      if (c.value("type", "") == type) return c;
    return nullptr;
  }
  // Whether its status was computed from its current generation.
  bool current(const std::string& service) {
    auto s = client_->get(res::kPaymentServices, "payments", service);
    return s.isOk() && s->value("status", Json::object()).value("observedGeneration", int64_t{-1}) ==
                           (*s)["metadata"].value("generation", int64_t{0});
  }
  // Whether its current status is Ready.
  bool ready(const std::string& service) {
    Json c = condition(service, "Ready");
    return current(service) && !c.is_null() && c["status"] == "True";
  }
  // Whether a Warning Event with `reason` was recorded on it.
  bool warned(const std::string& service, const std::string& reason) {
    auto evs = client_->list(res::kEvents, "payments", {});
    if (!evs.isOk()) return false;
    for (const auto& e : evs->items)
      if (e.value("reason", "") == reason && e.value("type", "") == "Warning" &&
          e["involvedObject"].value("name", "") == service)
        return true;
    return false;
  }

  // Every service's status is current and Ready.
  bool allReady() {
    auto all = services();
    if (all.empty()) return false;
    for (const auto& s : all) {
      if (s.value("status", Json::object()).value("observedGeneration", int64_t{-1}) !=
          s["metadata"].value("generation", int64_t{0}))
        return false;
      if (conditionStatus(s, "Ready") != "True") return false;
    }
    return true;
  }

  std::string kubeconfigFile() {
    std::string path = ::testing::TempDir() + "/kubeconfig-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(path) << emulator_->kubeconfig();
    return path;
  }

  bool install_crd_ = true;  // false: PaymentServices are not served (404) until installCrd()
  std::unique_ptr<emulator::Emulator> emulator_;
  std::unique_ptr<kube::RestClient> client_;
  obs::OperatorMetrics metrics_;
  std::unique_ptr<Controller> controller_;
};

}  // namespace paymesh::ctrl::testing
