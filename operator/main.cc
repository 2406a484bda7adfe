// paymesh-operator: reconciles PaymentServices into sidecar ConfigMaps, TLS Secrets and
// status. See docs/operator.md.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/exposer.h>

#include "base/duration.h"
#include "kube/kubeconfig.h"
#include "kube/leader_gated_client.h"
#include "kube/lease_lock.h"
#include "kube/rest_client.h"
#include "model/mesh_config.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "operator/controller/controller.h"
#include "operator/controller/health_server.h"
#include "operator/controller/mesh_ca.h"

namespace {

using namespace paymesh;
using namespace std::chrono_literals;

constexpr const char* kVersion = "0.1.0";

struct Flag {
  const char* name;
  bool takes_value;
  const char* value_name;
  const char* def;
  const char* help;
};

const std::vector<Flag>& flagSpecs() {
  static const std::vector<Flag> kFlags = {
      {"kubeconfig", true, "FILE", "", "kubeconfig to use (default: in-cluster, then $KUBECONFIG, ~/.kube/config)"},
      {"context", true, "NAME", "", "kubeconfig context (default: the current one)"},
      {"namespace", true, "NS", "", "watch only this namespace (default: all namespaces)"},
      {"mesh-config", true, "FILE", "",
       "mesh configuration YAML, reloaded when it changes (default: built-in defaults)"},
      {"metrics-addr", true, "ADDR", ":8080", "Prometheus metrics on http://ADDR/metrics (\"0\" disables)"},
      {"health-addr", true, "ADDR", ":8081", "/healthz and /readyz on ADDR (\"0\" disables)"},
      {"leader-elect", false, "", "", "elect a leader on a Lease; only the leader writes"},
      {"lease-namespace", true, "NS", "", "namespace of the Lease (default: the mesh CA namespace)"},
      {"lease-name", true, "NAME", "paymesh-operator", "name of the Lease"},
      {"lease-duration", true, "DURATION", "15s", "how long a silent leader keeps the Lease"},
      {"renew-deadline", true, "DURATION", "10s", "a leader that cannot renew within this steps down"},
      {"retry-period", true, "DURATION", "2s", "interval between Lease attempts"},
      {"identity", true, "ID", "", "this replica's Lease identity (default: hostname_pid)"},
      {"workers", true, "N", "4", "concurrent reconcile workers"},
      {"list-page-size", true, "N", "500", "items per page when the informers list"},
      {"resync", true, "DURATION", "0s", "replay every cached object this often (0: never)"},
      {"log-format", true, "text|json", "text", "log line format"},
      {"log-level", true, "LEVEL", "info", "debug, info, warn or error"},
      {"version", false, "", "", "print the version and exit"},
      {"help", false, "", "", "show this help"},
  };
  return kFlags;
}

void printHelp() {
  std::printf(
      "paymesh-operator: reconciles PaymentServices into discovery rings, sidecar\n"
      "configuration (ConfigMap <name>-paymesh), workload certificates (Secret\n"
      "<name>-paymesh-tls) and status.\n\nUsage: paymesh-operator [flags]\n\nFlags:\n");
  for (const auto& f : flagSpecs()) {
    std::string left = std::string("--") + f.name + (f.takes_value ? std::string(" ") + f.value_name : "");
    std::string def = f.def[0] ? std::string(" (default ") + f.def + ")" : "";
    std::printf("  %-28s %s%s\n", left.c_str(), f.help, def.c_str());
  }
  std::printf("\nExit codes: 0 stopped cleanly, 1 runtime failure, 2 usage error.\n");
}

struct Args {
  std::map<std::string, std::string> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  std::string get(const std::string& k) const {
    auto it = values.find(k);
    if (it != values.end()) return it->second;
    for (const auto& f : flagSpecs())
      if (k == f.name) return f.def;
    return "";
  }
};

Result<Args> parseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) return invalidArgument("unexpected argument \"" + a + "\"");
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Flag* spec = nullptr;
    for (const auto& f : flagSpecs())
      if (name == f.name) spec = &f;
    if (!spec) return invalidArgument("unknown flag --" + name + " (see --help)");
    if (spec->takes_value && !has_value) {
      if (i + 1 >= argc) return invalidArgument("--" + name + " needs a value (" + spec->value_name + ")");
      value = argv[++i];
    } else if (!spec->takes_value && has_value) {
      if (value != "true" && value != "false") return invalidArgument("--" + name + " takes no value");
      if (value == "false") continue;
    }
    args.values[name] = value;
  }
  return args;
}

Result<std::chrono::milliseconds> durationFlag(const Args& args, const std::string& name) {
  auto d = parseDuration(args.get(name));
  if (!d.isOk()) return invalidArgument("--" + name + ": " + d.status().message());
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

std::string metricsAddr(const std::string& a) { return a.rfind(':', 0) == 0 ? "0.0.0.0" + a : a; }

int usage(const std::string& message) {
  std::fprintf(stderr, "paymesh-operator: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parseArgs(argc, argv);
  if (!parsed.isOk()) return usage(parsed.status().message());
  const Args& args = *parsed;
  if (args.has("help")) {
    printHelp();
    return 0;
  }
  if (args.has("version")) {
    std::printf("paymesh-operator %s\n", kVersion);
    return 0;
  }
  obs::LogLevel level;
  obs::LogFormat format;
  if (!obs::parseLogLevel(args.get("log-level"), level))
    return usage("--log-level: \"" + args.get("log-level") + "\" is not debug, info, warn or error");
  if (!obs::parseLogFormat(args.get("log-format"), format))
    return usage("--log-format: \"" + args.get("log-format") + "\" is not text or json");
  obs::setLogLevel(level);
  obs::setLogFormat(format);
  int workers = 0;
  try {
    size_t used = 0;
    workers = std::stoi(args.get("workers"), &used);
    if (used != args.get("workers").size() || workers < 1 || workers > 256) throw std::invalid_argument("range");
  } catch (...) {
    return usage("--workers: \"" + args.get("workers") + "\" is not a number from 1 to 256");
  }
  int64_t page_size = 0;
  try {
    size_t used = 0;
    page_size = std::stoll(args.get("list-page-size"), &used);
    if (used != args.get("list-page-size").size() || page_size < 1) throw std::invalid_argument("range");
  } catch (...) {
    return usage("--list-page-size: \"" + args.get("list-page-size") + "\" is not a positive number");
  }
  auto lease_duration = durationFlag(args, "lease-duration");
  auto renew_deadline = durationFlag(args, "renew-deadline");
  auto retry_period = durationFlag(args, "retry-period");
  auto resync = durationFlag(args, "resync");
  for (const auto* d : {&lease_duration, &renew_deadline, &retry_period, &resync})
    if (!d->isOk()) return usage(d->status().message());
  if (*renew_deadline >= *lease_duration) return usage("--renew-deadline must be shorter than --lease-duration");
  if (*retry_period >= *renew_deadline) return usage("--retry-period must be shorter than --renew-deadline");

  // Mesh config.
  std::string mesh_path = args.get("mesh-config");
  model::MeshConfig mesh = *model::parseMeshConfig(nlohmann::json::object()).config;
  std::filesystem::file_time_type mesh_mtime{};
  if (!mesh_path.empty()) {
    auto loaded = model::loadMeshConfig(mesh_path);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "paymesh-operator: %s\n", loaded.status().message().c_str());
      return loaded.status().code() == Code::kNotFound ? 2 : 1;
    }
    mesh = std::move(*loaded);
    std::error_code ec;
    mesh_mtime = std::filesystem::last_write_time(mesh_path, ec);
  }

  auto cluster = kube::loadConfig(args.get("kubeconfig"), args.get("context"));
  if (!cluster.isOk()) {
    std::fprintf(stderr, "paymesh-operator: %s\n", cluster.status().message().c_str());
    return 2;
  }
  kube::RestClientOptions client_options;
  client_options.user_agent = std::string("paymesh-operator/") + kVersion;  // names us in audit logs
  auto client_or = kube::RestClient::create(*cluster, client_options);
  if (!client_or.isOk()) {
    std::fprintf(stderr, "paymesh-operator: %s\n", client_or.status().message().c_str());
    return 1;
  }
  std::unique_ptr<kube::RestClient> client = std::move(client_or).value();

  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);

  obs::OperatorMetrics metrics;
  std::unique_ptr<prometheus::Exposer> exposer;
  if (args.get("metrics-addr") != "0") {
    try {
      exposer = std::make_unique<prometheus::Exposer>(metricsAddr(args.get("metrics-addr")));
      exposer->RegisterCollectable(metrics.registry());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "paymesh-operator: --metrics-addr %s: %s\n", args.get("metrics-addr").c_str(), e.what());
      return 1;
    }
  }

  std::atomic<bool> may_write{!args.has("leader-elect")};
  kube::LeaderGatedClient writer(*client, may_write);  // every write of the controller goes through it
  std::atomic<bool> ready{false};
  std::unique_ptr<ctrl::HealthServer> health;
  if (args.get("health-addr") != "0") {
    auto h = ctrl::HealthServer::start(args.get("health-addr"), [&] { return ready.load(); });
    if (!h.isOk()) {
      std::fprintf(stderr, "paymesh-operator: %s\n", h.status().message().c_str());
      return 1;
    }
    health = std::move(*h);
  }

  ctrl::ControllerOptions options;
  options.ns = args.get("namespace");
  options.workers = workers;
  options.resync = *resync;
  options.page_size = page_size;

  // Leader election: the controller runs only while this replica holds the Lease.
  std::unique_ptr<kube::LeaderElector> elector;
  std::jthread elector_thread;
  std::atomic<bool> leading{!args.has("leader-elect")};
  std::atomic<bool> lost{false};
  if (args.has("leader-elect")) {
    kube::LeaderElectionOptions le;
    le.ns = args.get("lease-namespace").empty() ? mesh.ca.namespace_ : args.get("lease-namespace");
    le.name = args.get("lease-name");
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    le.identity =
        args.get("identity").empty() ? std::string(host) + "_" + std::to_string(getpid()) : args.get("identity");
    le.lease_duration = *lease_duration;
    le.renew_deadline = *renew_deadline;
    le.retry_period = *retry_period;
    elector = std::make_unique<kube::LeaderElector>(*client, le);
    obs::logInfo("waiting for the leader Lease", {{"lease", le.ns + "/" + le.name}, {"identity", le.identity}});
    ready = true;  // a standby is ready: it serves health and waits
    elector_thread = std::jthread([&](std::stop_token stop) {
      elector->run(
          stop,
          [&] {
            may_write = true;
            leading = true;
            metrics.setLeader(true);
          },
          [&] {
            may_write = false;  // before anything else: stop writing at once
            leading = false;
            lost = true;
            metrics.setLeader(false);
          });
    });
  } else {
    metrics.setLeader(true);
  }

  std::unique_ptr<ctrl::Controller> controller;
  int exit_code = 0;
  auto next_mesh_check = std::chrono::steady_clock::now() + 2s;
  while (!g_stop) {
    if (lost.exchange(false) && controller) {
      obs::logWarn("lost the leader Lease; stopped writing");
      controller->stop();
      controller.reset();
    }
    if (leading && !controller) {
      auto state = ctrl::ensureMeshCa(writer, mesh, std::chrono::system_clock::now());
      if (!state.isOk()) {
        obs::logError("mesh CA unavailable", {{"error", state.status().toString()}});
        std::this_thread::sleep_for(2s);
        continue;
      }
      controller = std::make_unique<ctrl::Controller>(*client, writer, options, &metrics);
      auto s = controller->start(*state, std::chrono::minutes(10));
      if (!s.isOk()) {
        obs::logError("controller did not start", {{"error", s.toString()}});
        controller.reset();
        exit_code = 1;
        break;
      }
      ready = true;
      obs::logInfo("controller started",
                   {{"namespace", options.ns.empty() ? "*" : options.ns}, {"workers", std::to_string(workers)}});
    }
    if (controller) metrics.setQueueDepth(static_cast<double>(controller->queueDepth()));
    if (!mesh_path.empty() && std::chrono::steady_clock::now() >= next_mesh_check) {
      next_mesh_check = std::chrono::steady_clock::now() + 2s;
      std::error_code ec;
      auto mtime = std::filesystem::last_write_time(mesh_path, ec);
      if (!ec && mtime != mesh_mtime) {
        mesh_mtime = mtime;
        auto loaded = model::loadMeshConfig(mesh_path);
        if (!loaded.isOk()) {
          obs::logError("mesh config not reloaded; keeping the previous one", {{"error", loaded.status().message()}});
        } else {
          mesh = std::move(*loaded);
          obs::logInfo("mesh config reloaded", {{"file", mesh_path}});
          if (controller) {
            auto state = ctrl::ensureMeshCa(writer, mesh, std::chrono::system_clock::now());
            if (state.isOk())
              controller->setMesh(*state);
            else
              obs::logError("mesh CA unavailable after reload", {{"error", state.status().toString()}});
          }
        }
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  obs::logInfo("stopping: finishing the passes in flight");
  if (controller) controller->stop();
  if (elector) {
    elector_thread.request_stop();
    if (elector_thread.joinable()) elector_thread.join();
    if (leading) {
      auto s = elector->release();
      if (!s.isOk()) obs::logWarn("lease not released", {{"error", s.toString()}});
    }
  }
  obs::logInfo("stopped");
  return exit_code;
}
