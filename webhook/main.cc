// paymesh-webhook: the sidecar-injection admission webhook. Serves POST /inject over HTTPS
// from a PaymentService cache; reloads its certificate and the mesh config when their
// files change. See docs/webhook.md.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/exposer.h>

#include "app/process.h"
#include "app/stop_signals.h"
#include "cli/flags.h"
#include "files/path_watcher.h"
#include "http/https_server.h"
#include "kube/informer.h"
#include "kube/resource.h"
#include "model/mesh_config.h"
#include "obs/log.h"
#include "obs/webhook_metrics.h"
#include "webhook/routes.h"
#include "webhook/service_cache.h"

namespace {

using namespace paymesh;
using namespace std::chrono_literals;
using app::Failure;
using app::OrFailure;
using MeshPtr = std::shared_ptr<const model::MeshConfig>;

constexpr const char* kProgram = "paymesh-webhook";

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

// What the flags ask for, checked before anything starts.
struct Options {
  http::ServerOptions server;
  std::string cert_dir;
  std::string mesh_path;  // "" : the built-in mesh config, not watched
  model::MeshConfig mesh;
};

OrFailure<Options> options(const cli::Flags& flags) {
  if (Status s = app::configureLogging(flags); !s.isOk()) return Failure{2, s.message()};
  auto port = cli::parseUintFlag("--port", flags.value("port"), 1, 65535);
  auto threads = cli::parseUintFlag("--threads", flags.value("threads"), 1, 64);
  for (const auto* r : {&port, &threads})
    if (!r->isOk()) return Failure{2, r->status().message()};
  Options o;
  o.server.address = flags.value("address");
  o.server.port = static_cast<uint16_t>(*port);
  o.server.threads = static_cast<int>(*threads);
  o.cert_dir = flags.value("cert-dir");
  o.mesh_path = flags.value("mesh-config");
  o.mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
  if (!o.mesh_path.empty()) {
    auto loaded = model::loadMeshConfig(o.mesh_path);
    if (!loaded.isOk()) return Failure{2, loaded.status().message()};
    o.mesh = std::move(*loaded);
  }
  return o;
}

// The serving certificate and the mesh config reloaded when the kubelet swaps their
// mounted files; a file that does not load is logged and the previous one kept.
struct FileWatches {
  std::unique_ptr<files::PathWatcher> certificate, mesh;
};

OrFailure<FileWatches> watchFiles(const Options& o, http::ServingCertificate& certificate, MeshHolder& mesh,
                                  obs::WebhookMetrics& metrics) {
  FileWatches out;
  auto cert = files::PathWatcher::start({o.cert_dir + "/tls.crt", o.cert_dir + "/tls.key"},
                                        [&certificate, &metrics, dir = o.cert_dir](const auto&) {
                                          auto changed = certificate.reload();
                                          if (!changed.isOk()) {
                                            metrics.certificateReload(false);
                                            obs::logError("serving certificate not reloaded; keeping the previous one",
                                                          {{"error", changed.status().message()}});
                                          } else if (*changed) {
                                            metrics.certificateReload(true);
                                            obs::logInfo("serving certificate reloaded", {{"dir", dir}});
                                          }
                                        });
  if (!cert.isOk()) return Failure{1, "--cert-dir: " + cert.status().message()};
  out.certificate = std::move(*cert);
  if (o.mesh_path.empty()) return out;
  auto watched = files::PathWatcher::start({o.mesh_path}, [&mesh, path = o.mesh_path](const auto&) {
    auto loaded = model::loadMeshConfig(path);
    if (!loaded.isOk()) {
      obs::logError("mesh config not reloaded; keeping the previous one", {{"error", loaded.status().message()}});
      return;
    }
    mesh.set(std::move(*loaded));
    obs::logInfo("mesh config reloaded", {{"file", path}});
  });
  if (!watched.isOk()) return Failure{1, "--mesh-config: " + watched.status().message()};
  out.mesh = std::move(*watched);
  return out;
}

// Until `stop` is set: the cache gauges every second (its age: since the informer last
// listed, watched or delivered an event), and one log line once the cache has synced.
void reportUntilStopped(const kube::Informer& informer, const webhook::ServiceCache& cache,
                        obs::WebhookMetrics& metrics, std::mutex& mu, std::condition_variable& cv, const bool& stop) {
  auto heard = std::chrono::steady_clock::now();
  kube::WatcherStats last{};
  uint64_t last_changes = 0;
  bool logged_sync = false;
  std::unique_lock<std::mutex> lock(mu);
  while (!cv.wait_for(lock, 1s, [&] { return stop; })) {
    kube::WatcherStats now = informer.stats();
    uint64_t changes = cache.changes();
    if (now.relists != last.relists || now.watches != last.watches || changes != last_changes)
      heard = std::chrono::steady_clock::now();
    last = now;
    last_changes = changes;
    metrics.setCacheAge(std::chrono::duration<double>(std::chrono::steady_clock::now() - heard).count());
    metrics.setCachedServices(static_cast<double>(cache.size()));
    if (!logged_sync && informer.hasSynced()) {
      logged_sync = true;
      obs::logInfo("PaymentService cache synced; ready", {{"services", std::to_string(cache.size())}});
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::parseCommand(spec(), std::vector<std::string>(argv + 1, argv + argc));
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const cli::Flags& flags = std::get<cli::Flags>(parsed);
  if (flags.has("version")) return std::printf("%s %s\n", kProgram, app::version()), 0;
  int exit_code = 0;
  auto opts = options(flags);
  if (app::failed(kProgram, opts, exit_code)) return exit_code;
  const Options& o = std::get<Options>(opts);
  MeshHolder mesh(o.mesh);
  auto certificate = http::ServingCertificate::load(o.cert_dir);
  if (!certificate.isOk()) return app::printFailure(kProgram, {1, "--cert-dir: " + certificate.status().message()}), 1;
  app::StopSignals signals;  // before any thread starts: every thread inherits the mask
  auto client = app::connect(flags, kProgram);
  if (app::failed(kProgram, client, exit_code)) return exit_code;
  obs::WebhookMetrics metrics;
  auto exposer = app::serveMetrics(flags.value("metrics-addr"), metrics.registry());
  if (app::failed(kProgram, exposer, exit_code)) return exit_code;

  // Every PaymentService, all namespaces: a decision reads this cache, never the API server.
  webhook::ServiceCache cache;
  kube::Informer informer(*std::get<0>(client), kube::resources::kPaymentServices, "");
  informer.addHandlers(cache.handlers());
  informer.start();
  webhook::WebhookState state{&cache, [&mesh] { return mesh.get(); }, [&informer] { return informer.hasSynced(); },
                              &metrics};
  auto server = http::HttpsServer::start(
      o.server, [&state](const http::Request& r) { return webhook::route(r, state); }, *certificate);
  if (!server.isOk()) return app::printFailure(kProgram, {1, server.status().message()}), 1;
  auto watches = watchFiles(o, **certificate, mesh, metrics);
  if (app::failed(kProgram, watches, exit_code)) return exit_code;

  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  signals.onStop([&] {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    cv.notify_all();
  });
  obs::logInfo("serving",
               {{"address", o.server.address + ":" + std::to_string((*server)->port())}, {"cert-dir", o.cert_dir}});
  reportUntilStopped(informer, cache, metrics, mu, cv, stop);
  obs::logInfo("stopping");
  (*server)->stop();
  informer.stop();
  signals.finish();
  obs::logInfo("stopped");
  return 0;
}
