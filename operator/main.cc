// paymesh-operator: reconciles PaymentServices into sidecar ConfigMaps, TLS Secrets and
// status. main() reads the flags (lib/cli), connects, wires the manager to the metrics
// and health endpoints, and turns SIGTERM/SIGINT into a clean stop. See docs/operator.md.

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <prometheus/exposer.h>

#include "cli/flags.h"
#include "kube/kubeconfig.h"
#include "kube/rest_client.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "operator/controller/health_server.h"
#include "operator/controller/manager.h"

namespace {

using namespace paymesh;

constexpr const char* kVersion = "0.1.0";

const cli::CommandSpec& commandSpec() {
  static const cli::CommandSpec kSpec = {
      "",
      "[flags]",
      "paymesh-operator: reconciles PaymentServices into discovery rings, sidecar\n"
      "configuration (ConfigMap <name>-paymesh), workload certificates (Secret\n"
      "<name>-paymesh-tls) and status.",
      {
          {"kubeconfig", "", true, false, "FILE",
           "kubeconfig to use (default: in-cluster, then $KUBECONFIG, ~/.kube/config)"},
          {"context", "", true, false, "NAME", "kubeconfig context (default: the current one)"},
          {"namespace", "", true, false, "NS", "watch only this namespace (default: all namespaces)"},
          {"mesh-config", "", true, false, "FILE",
           "mesh configuration YAML, reloaded when it changes (default: built-in defaults)"},
          {"metrics-addr", "", true, false, "ADDR", "Prometheus metrics on http://ADDR/metrics (\"0\" disables)",
           ":8080"},
          {"health-addr", "", true, false, "ADDR", "/healthz and /readyz on ADDR (\"0\" disables)", ":8081"},
          {"leader-elect", "", false, false, "", "elect a leader on a Lease; only the leader writes"},
          {"lease-namespace", "", true, false, "NS", "namespace of the Lease (default: the mesh CA namespace)"},
          {"lease-name", "", true, false, "NAME", "name of the Lease", "paymesh-operator"},
          {"lease-duration", "", true, false, "DURATION", "how long a silent leader keeps the Lease", "15s"},
          {"renew-deadline", "", true, false, "DURATION", "a leader that cannot renew within this steps down", "10s"},
          {"retry-period", "", true, false, "DURATION", "interval between Lease attempts", "2s"},
          {"identity", "", true, false, "ID", "this replica's Lease identity (default: hostname_pid)"},
          {"workers", "", true, false, "N", "concurrent reconcile workers (1 to 256)", "4"},
          {"list-page-size", "", true, false, "N", "items per page when the informers list", "500"},
          {"resync", "", true, false, "DURATION", "replay every cached object this often (0: never)", "0s"},
          {"log-format", "", true, false, "text|json", "log line format", "text"},
          {"log-level", "", true, false, "LEVEL", "debug, info, warn or error", "info"},
          {"version", "", false, false, "", "print the version and exit"},
      },
      "Exit codes: 0 stopped cleanly, 1 runtime failure, 2 usage error or unreadable mesh config\n"
      "or kubeconfig.\n",
      false,
      "paymesh-operator",
  };
  return kSpec;
}

// A failure before the manager runs: what main prints and the exit code it returns.
struct Failure {
  int exit_code;
  std::string message;
};
template <typename T>
using OrFailure = std::variant<T, Failure>;

Failure usage(const std::string& message) { return {2, message}; }

Status configureLogging(const cli::Flags& flags) {
  obs::LogLevel level;
  obs::LogFormat format;
  if (!obs::parseLogLevel(flags.value("log-level"), level))
    return invalidArgument("--log-level: \"" + flags.value("log-level") + "\" is not debug, info, warn or error");
  if (!obs::parseLogFormat(flags.value("log-format"), format))
    return invalidArgument("--log-format: \"" + flags.value("log-format") + "\" is not text or json");
  obs::setLogLevel(level);
  obs::setLogFormat(format);
  return Status::ok();
}

Result<ctrl::ControllerOptions> controllerOptions(const cli::Flags& flags) {
  ctrl::ControllerOptions o;
  o.ns = flags.value("namespace");
  ASSIGN_OR_RETURN(uint64_t workers, cli::parseUintFlag("workers", flags.value("workers"), 1, 256));
  ASSIGN_OR_RETURN(uint64_t page, cli::parseUintFlag("list-page-size", flags.value("list-page-size"), 1, INT64_MAX));
  ASSIGN_OR_RETURN(o.resync, cli::parseDurationFlag("resync", flags.value("resync")));
  o.workers = static_cast<int>(workers);
  o.page_size = static_cast<int64_t>(page);
  return o;
}

Result<kube::LeaderElectionOptions> electionOptions(const cli::Flags& flags, const model::MeshConfig& mesh) {
  kube::LeaderElectionOptions le;
  le.ns = flags.getOr("lease-namespace", mesh.ca.namespace_);
  le.name = flags.value("lease-name");
  ASSIGN_OR_RETURN(le.lease_duration, cli::parseDurationFlag("lease-duration", flags.value("lease-duration")));
  ASSIGN_OR_RETURN(le.renew_deadline, cli::parseDurationFlag("renew-deadline", flags.value("renew-deadline")));
  ASSIGN_OR_RETURN(le.retry_period, cli::parseDurationFlag("retry-period", flags.value("retry-period")));
  if (le.renew_deadline >= le.lease_duration)
    return invalidArgument("--renew-deadline must be shorter than --lease-duration");
  if (le.retry_period >= le.renew_deadline)
    return invalidArgument("--retry-period must be shorter than --renew-deadline");
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  le.identity = flags.getOr("identity", std::string(host) + "_" + std::to_string(getpid()));
  return le;
}

// Everything the manager runs on, from the flags and the mesh config file.
OrFailure<ctrl::ManagerOptions> managerOptions(const cli::Flags& flags) {
  ctrl::ManagerOptions o;
  o.mesh_config_path = flags.value("mesh-config");
  o.mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
  if (!o.mesh_config_path.empty()) {
    auto loaded = model::loadMeshConfig(o.mesh_config_path);
    if (!loaded.isOk()) return Failure{loaded.status().code() == Code::kNotFound ? 2 : 1, loaded.status().message()};
    o.mesh = std::move(*loaded);
  }
  auto controller = controllerOptions(flags);
  if (!controller.isOk()) return usage(controller.status().message());
  o.controller = std::move(*controller);
  if (flags.has("leader-elect")) {
    auto le = electionOptions(flags, o.mesh);
    if (!le.isOk()) return usage(le.status().message());
    o.election = std::move(*le);
  }
  return o;
}

OrFailure<std::unique_ptr<kube::RestClient>> connect(const cli::Flags& flags) {
  auto cluster = kube::loadConfig(flags.value("kubeconfig"), flags.value("context"));
  if (!cluster.isOk()) return Failure{2, cluster.status().message()};
  kube::RestClientOptions options;
  options.user_agent = std::string("paymesh-operator/") + kVersion;  // names us in audit logs
  auto client = kube::RestClient::create(*cluster, options);
  if (!client.isOk()) return Failure{1, client.status().message()};
  return std::move(client).value();
}

// The metrics and health endpoints, alive while held.
struct Endpoints {
  std::unique_ptr<prometheus::Exposer> metrics;
  std::unique_ptr<ctrl::HealthServer> health;
};

OrFailure<Endpoints> serve(const cli::Flags& flags, obs::OperatorMetrics& metrics, const ctrl::Manager& manager) {
  Endpoints out;
  if (std::string addr = flags.value("metrics-addr"); addr != "0") {
    try {
      out.metrics = std::make_unique<prometheus::Exposer>(addr.rfind(':', 0) == 0 ? "0.0.0.0" + addr : addr);
      out.metrics->RegisterCollectable(metrics.registry());
    } catch (const std::exception& e) {
      return Failure{1, "--metrics-addr " + addr + ": " + e.what()};
    }
  }
  if (std::string addr = flags.value("health-addr"); addr != "0") {
    auto h = ctrl::HealthServer::start(addr, [&manager] { return manager.ready(); });
    if (!h.isOk()) return Failure{1, h.status().message()};
    out.health = std::move(*h);
  }
  return out;
}

// SIGTERM and SIGINT, blocked in every thread (call before starting any), are taken by
// one thread with sigwait and turned into `on_stop`; no handler runs in signal context.
class StopSignals {
public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  void onStop(std::function<void()> on_stop) {
    thread_ = std::thread([this, on_stop = std::move(on_stop)] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (!done_) on_stop();
    });
  }
  // Ends the thread (waking sigwait if no signal came): on_stop never runs after this.
  void finish() {
    done_ = true;
    if (thread_.joinable()) {
      pthread_kill(thread_.native_handle(), SIGTERM);
      thread_.join();
    }
  }
  ~StopSignals() { finish(); }

private:
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

template <typename T>
bool failed(const OrFailure<T>& r, int& exit_code) {
  const auto* f = std::get_if<Failure>(&r);
  if (!f) return false;
  std::fprintf(stderr, "paymesh-operator: %s\n", f->message.c_str());
  exit_code = f->exit_code;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = cli::parseCommand(commandSpec(), std::vector<std::string>(argv + 1, argv + argc));
  if (const int* code = std::get_if<int>(&command)) return *code;
  const cli::Flags& flags = std::get<cli::Flags>(command);
  if (flags.has("version")) {
    std::printf("paymesh-operator %s\n", kVersion);
    return 0;
  }
  if (Status s = configureLogging(flags); !s.isOk()) return cli::commandError(commandSpec(), 2, s.message());
  int exit_code = 0;
  auto options = managerOptions(flags);
  if (failed(options, exit_code)) return exit_code;
  StopSignals signals;  // before any thread starts (the client's too): every thread inherits the mask
  auto client = connect(flags);
  if (failed(client, exit_code)) return exit_code;

  obs::OperatorMetrics metrics;
  ctrl::Manager manager(*std::get<0>(client), std::move(std::get<0>(options)), metrics);
  auto endpoints = serve(flags, metrics, manager);
  if (failed(endpoints, exit_code)) return exit_code;
  signals.onStop([&manager] { manager.stop(); });
  exit_code = manager.run();
  signals.finish();  // before the manager goes
  return exit_code;
}
