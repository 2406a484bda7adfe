// paymesh-operator: reconciles PaymentServices into sidecar ConfigMaps, TLS Secrets and
// status. main() reads the flags (lib/cli), connects, wires the manager to the metrics
// and health endpoints, and turns SIGTERM/SIGINT into a clean stop. See docs/operator.md.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <prometheus/exposer.h>

#include "app/process.h"
#include "app/stop_signals.h"
#include "cli/flags.h"
#include "obs/metrics.h"
#include "operator/controller/health_server.h"
#include "operator/controller/manager.h"

namespace {

using namespace paymesh;
using app::Failure;
using app::OrFailure;

constexpr const char* kProgram = "paymesh-operator";

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

Failure usage(const std::string& message) { return {2, message}; }

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

// The metrics and health endpoints, alive while held.
struct Endpoints {
  std::unique_ptr<prometheus::Exposer> metrics;
  std::unique_ptr<ctrl::HealthServer> health;
};

OrFailure<Endpoints> serve(const cli::Flags& flags, obs::OperatorMetrics& metrics, const ctrl::Manager& manager) {
  Endpoints out;
  auto exposer = app::serveMetrics(flags.value("metrics-addr"), metrics.registry());
  if (auto* f = std::get_if<Failure>(&exposer)) return *f;
  out.metrics = std::move(std::get<0>(exposer));
  if (std::string addr = flags.value("health-addr"); addr != "0") {
    auto h = ctrl::HealthServer::start(addr, [&manager] { return manager.ready(); });
    if (!h.isOk()) return Failure{1, h.status().message()};
    out.health = std::move(*h);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = cli::parseCommand(commandSpec(), std::vector<std::string>(argv + 1, argv + argc));
  if (const int* code = std::get_if<int>(&command)) return *code;
  const cli::Flags& flags = std::get<cli::Flags>(command);
  if (flags.has("version")) {
    std::printf("%s %s\n", kProgram, app::version());
    return 0;
  }
  if (Status s = app::configureLogging(flags); !s.isOk()) return cli::commandError(commandSpec(), 2, s.message());
  int exit_code = 0;
  auto options = managerOptions(flags);
  if (app::failed(kProgram, options, exit_code)) return exit_code;
  app::StopSignals signals;  // before any thread starts (the client's too): every thread inherits the mask
  // With election, the user agent names the replica (its Lease identity): audit logs
  // tell replicas apart.
  const auto& election = std::get<0>(options).election;
  auto client = app::connect(flags, kProgram, election ? election->identity : "");
  if (app::failed(kProgram, client, exit_code)) return exit_code;

  obs::OperatorMetrics metrics;
  ctrl::Manager manager(*std::get<0>(client), std::move(std::get<0>(options)), metrics);
  auto endpoints = serve(flags, metrics, manager);
  if (app::failed(kProgram, endpoints, exit_code)) return exit_code;
  signals.onStop([&manager] { manager.stop(); });
  exit_code = manager.run();
  signals.finish();  // before the manager goes
  return exit_code;
}
