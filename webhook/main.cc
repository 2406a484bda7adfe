// paymesh-webhook: the sidecar-injection admission webhook. Serves POST /inject over HTTPS
// from a PaymentService cache; reloads its certificate and the mesh config when their
// files change. See docs/webhook.md.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <prometheus/exposer.h>

#include "cli/flags.h"
#include "files/path_watcher.h"
#include "http/https_server.h"
#include "kube/informer.h"
#include "kube/kubeconfig.h"
#include "kube/resource.h"
#include "kube/rest_client.h"
#include "model/mesh_config.h"
#include "obs/log.h"
#include "obs/webhook_metrics.h"
#include "webhook/routes.h"
#include "webhook/service_cache.h"

namespace {

using namespace paymesh;
using namespace std::chrono_literals;
using MeshPtr = std::shared_ptr<const model::MeshConfig>;

const cli::CommandSpec& spec() {
  static const cli::CommandSpec kSpec = {
      "",
      "[flags]",
      "paymesh-webhook: the mutating admission webhook that injects the paymesh sidecar into\n"
      "the pods of PaymentServices (POST /inject, admission.k8s.io/v1), over HTTPS.",
      {
          {"kubeconfig", "", true, false, "FILE", "kubeconfig to use (default: in-cluster, then $KUBECONFIG)"},
          {"context", "", true, false, "NAME", "kubeconfig context (default: the current one)"},
          {"cert-dir", "", true, false, "DIR", "serving certificate tls.crt and key tls.key, reloaded on change",
           "/etc/paymesh/webhook-tls"},
          {"address", "", true, false, "IP", "address to serve HTTPS on", "0.0.0.0"},
          {"port", "", true, false, "N", "HTTPS port: POST /inject, GET /healthz, GET /readyz", "9443"},
          {"threads", "", true, false, "N", "threads serving HTTPS", "2"},
          {"mesh-config", "", true, false, "FILE", "mesh configuration YAML, reloaded on change (default: built-in)"},
          {"metrics-addr", "", true, false, "ADDR", "Prometheus metrics on http://ADDR/metrics (\"0\" disables)",
           ":8080"},
          {"log-format", "", true, false, "text|json", "log line format", "text"},
          {"log-level", "", true, false, "LEVEL", "debug, info, warn or error", "info"},
          {"version", "", false, false, "", "print the version and exit"},
      },
      "Exit codes: 0 stopped cleanly, 1 runtime failure (certificate, port, API server), 2 usage\n"
      "error or unreadable mesh config / kubeconfig.\n",
      false,
      "paymesh-webhook",
  };
  return kSpec;
}

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "paymesh-webhook: %s\n", message.c_str());
  return code;
}

// The mesh config in force, swapped whole when its file changes.
class MeshHolder {
public:
  explicit MeshHolder(model::MeshConfig m) : mesh_(std::make_shared<const model::MeshConfig>(std::move(m))) {}
  MeshPtr get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mesh_;
  }
  void set(model::MeshConfig m) {
    auto next = std::make_shared<const model::MeshConfig>(std::move(m));
    std::lock_guard<std::mutex> lock(mu_);
    mesh_ = std::move(next);
  }

private:
  mutable std::mutex mu_;
  MeshPtr mesh_;
};

std::string metricsAddr(const std::string& a) { return a.rfind(':', 0) == 0 ? "0.0.0.0" + a : a; }

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::parseCommand(spec(), std::vector<std::string>(argv + 1, argv + argc));
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const cli::Flags& flags = std::get<cli::Flags>(parsed);
  if (flags.has("version")) return std::printf("paymesh-webhook %s\n", PAYMESH_VERSION), 0;
  obs::LogLevel level;
  obs::LogFormat format;
  if (!obs::parseLogLevel(flags.value("log-level"), level))
    return cli::commandError(spec(), 2,
                             "--log-level: \"" + flags.value("log-level") + "\" is not debug, info, warn or error");
  if (!obs::parseLogFormat(flags.value("log-format"), format))
    return cli::commandError(spec(), 2, "--log-format: \"" + flags.value("log-format") + "\" is not text or json");
  obs::setLogLevel(level);
  obs::setLogFormat(format);
  auto port = cli::parseUintFlag("--port", flags.value("port"), 1, 65535);
  auto threads = cli::parseUintFlag("--threads", flags.value("threads"), 1, 64);
  for (const auto* r : {&port, &threads})
    if (!r->isOk()) return cli::commandError(spec(), 2, r->status().message());

  std::string mesh_path = flags.value("mesh-config");
  model::MeshConfig initial = *model::parseMeshConfig(nlohmann::json::object()).config;
  if (!mesh_path.empty()) {
    auto loaded = model::loadMeshConfig(mesh_path);
    if (!loaded.isOk()) return fail(2, loaded.status().message());
    initial = std::move(*loaded);
  }
  MeshHolder mesh(std::move(initial));

  std::string cert_dir = flags.value("cert-dir");
  auto certificate = http::ServingCertificate::load(cert_dir);
  if (!certificate.isOk()) return fail(1, "--cert-dir: " + certificate.status().message());

  auto cluster = kube::loadConfig(flags.value("kubeconfig"), flags.value("context"));
  if (!cluster.isOk()) return fail(2, cluster.status().message());
  kube::RestClientOptions client_options;
  client_options.user_agent = std::string("paymesh-webhook/") + PAYMESH_VERSION;
  auto client = kube::RestClient::create(*cluster, client_options);
  if (!client.isOk()) return fail(1, client.status().message());

  obs::WebhookMetrics metrics;
  std::unique_ptr<prometheus::Exposer> exposer;
  if (flags.value("metrics-addr") != "0") {
    try {
      exposer = std::make_unique<prometheus::Exposer>(metricsAddr(flags.value("metrics-addr")));
      exposer->RegisterCollectable(metrics.registry());
    } catch (const std::exception& e) {
      return fail(1, "--metrics-addr " + flags.value("metrics-addr") + ": " + e.what());
    }
  }

  // Every PaymentService, all namespaces: a decision reads this cache, never the API server.
  webhook::ServiceCache cache;
  kube::Informer informer(**client, kube::resources::kPaymentServices, "");
  informer.addHandlers(cache.handlers());
  informer.start();

  webhook::WebhookState state;
  state.cache = &cache;
  state.mesh = [&mesh] { return mesh.get(); };
  state.ready = [&informer] { return informer.hasSynced(); };
  state.metrics = &metrics;
  http::ServerOptions server_options;
  server_options.address = flags.value("address");
  server_options.port = static_cast<uint16_t>(*port);
  server_options.threads = static_cast<int>(*threads);
  auto server = http::HttpsServer::start(
      server_options, [&state](const http::Request& r) { return webhook::route(r, state); }, *certificate);
  if (!server.isOk()) return fail(1, server.status().message());

  auto cert_watch =
      files::PathWatcher::start({cert_dir + "/tls.crt", cert_dir + "/tls.key"}, [&](const std::vector<std::string>&) {
        auto changed = (*certificate)->reload();
        if (!changed.isOk()) {
          metrics.certificateReload(false);
          obs::logError("serving certificate not reloaded; keeping the previous one",
                        {{"error", changed.status().message()}});
        } else if (*changed) {
          metrics.certificateReload(true);
          obs::logInfo("serving certificate reloaded", {{"dir", cert_dir}});
        }
      });
  if (!cert_watch.isOk()) return fail(1, "--cert-dir: " + cert_watch.status().message());
  std::unique_ptr<files::PathWatcher> mesh_watch;
  if (!mesh_path.empty()) {
    auto w = files::PathWatcher::start({mesh_path}, [&](const std::vector<std::string>&) {
      auto loaded = model::loadMeshConfig(mesh_path);
      if (!loaded.isOk()) {
        obs::logError("mesh config not reloaded; keeping the previous one", {{"error", loaded.status().message()}});
        return;
      }
      mesh.set(std::move(*loaded));
      obs::logInfo("mesh config reloaded", {{"file", mesh_path}});
    });
    if (!w.isOk()) return fail(1, "--mesh-config: " + w.status().message());
    mesh_watch = std::move(*w);
  }

  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  obs::logInfo("serving",
               {{"address", server_options.address + ":" + std::to_string((*server)->port())}, {"cert-dir", cert_dir}});
  // The cache's age: since the informer last listed, watched or delivered an event.
  auto heard = std::chrono::steady_clock::now();
  kube::WatcherStats last{};
  uint64_t last_changes = 0;
  bool logged_sync = false;
  while (!g_stop) {
    std::this_thread::sleep_for(200ms);
    kube::WatcherStats now = informer.stats();
    size_t size = cache.size();
    uint64_t changes = cache.changes();
    if (now.relists != last.relists || now.watches != last.watches || changes != last_changes)
      heard = std::chrono::steady_clock::now();
    last = now;
    last_changes = changes;
    metrics.setCacheAge(std::chrono::duration<double>(std::chrono::steady_clock::now() - heard).count());
    metrics.setCachedServices(static_cast<double>(size));
    if (!logged_sync && informer.hasSynced()) {
      logged_sync = true;
      obs::logInfo("PaymentService cache synced; ready", {{"services", std::to_string(size)}});
    }
  }
  obs::logInfo("stopping");
  (*server)->stop();
  informer.stop();
  obs::logInfo("stopped");
  return 0;
}
