// The operator at scale against the in-process Kubernetes API emulator:
//   - cold start: N PaymentServices with P pods each (every service calls the next two)
//     converge (every status Ready, ConfigMaps and Secrets written), timed from the
//     paymesh-operator binary's start;
//   - the emulator's own write throughput over HTTP in the same run (the ceiling);
//   - pod Ready -> visible in the dependents' ConfigMaps, p50/p99 over S samples;
//   - the operator process's resident memory (VmRSS, VmHWM).
// Scale from the environment: PAYMESH_BENCH_SERVICES (1000), PAYMESH_BENCH_PODS (50),
// PAYMESH_BENCH_SAMPLES (100), PAYMESH_BENCH_WORKERS (4); the operator's --log-level from
// PAYMESH_BENCH_LOG_LEVEL (error).

#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/emulator.h"
#include "kube/rest_client.h"
#include "model/manifest.h"

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace em = paymesh::emulator;

int envInt(const char* name, int def) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : def;
}

em::HttpResponse call(em::ApiServer& api, const std::string& method, const std::string& path,
                      const Json& body = nullptr) {
  em::HttpRequest req;
  req.method = method;
  req.path = path;
  req.headers["content-type"] = method == "PATCH" ? "application/merge-patch+json" : "application/json";
  if (!body.is_null()) req.body = body.dump();
  return api.handle(req);
}

std::string svcName(int i) { return "svc-" + std::to_string(i); }

Json service(int i, int n) {
  return {{"apiVersion", "paymesh.io/v1alpha1"},
          {"kind", "PaymentService"},
          {"metadata", {{"name", svcName(i)}, {"namespace", "bench"}}},
          {"spec",
           {{"selector", {{"matchLabels", {{"app", svcName(i)}}}}},
            {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
            {"discovery", {{"ring", {{"algorithm", "Ketama"}, {"virtualNodes", 1024}}}}},
            {"loadBalancing", {{"policy", "ConsistentHash"}}},
            {"dependencies", {{{"name", svcName((i + 1) % n)}}, {{"name", svcName((i + 2) % n)}}}}}}};
}

std::string podIp(int svc, int pod) {
  int v = svc * 64 + pod;
  return "10." + std::to_string(100 + v / 65536) + "." + std::to_string((v / 256) % 256) + "." +
         std::to_string(v % 256);
}

void createPod(em::ApiServer& api, int svc, int pod, const std::string& name, const std::string& ip) {
  Json p = {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", name},
              {"namespace", "bench"},
              {"labels", {{"app", svcName(svc)}, {"paymesh.io/service", svcName(svc)}}}}},
            {"spec", {{"containers", {{{"name", "app"}, {"image", "registry.example/app:1"}}}}}}};
  auto r = call(api, "POST", "/api/v1/namespaces/bench/pods", p);
  if (r.status != 201) std::fprintf(stderr, "pod create: %d %s\n", r.status, r.body.c_str());
  Json created = Json::parse(r.body);
  created["status"] = {{"phase", "Running"}, {"podIP", ip}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
  r = call(api, "PUT", "/api/v1/namespaces/bench/pods/" + name + "/status", created);
  if (r.status != 200) std::fprintf(stderr, "pod status: %d %s\n", r.status, r.body.c_str());
  (void)pod;
}

long procStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

bool converged(em::ApiServer& api, size_t n) {
  size_t ready = 0;
  api.visitObjects("paymesh.io", "paymentservices", "bench", [&](const Json& s) {
    auto st = s.find("status");
    if (st == s.end() || st->value("observedGeneration", int64_t{-1}) != s["metadata"].value("generation", int64_t{0}))
      return false;
    for (const auto& c : st->value("conditions", Json::array()))
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return ++ready, true;
    return false;
  });
  return ready == n;
}

void BM_OperatorAtScale(benchmark::State& state) {
  const int n = envInt("PAYMESH_BENCH_SERVICES", 1000);
  const int pods = envInt("PAYMESH_BENCH_PODS", 50);
  const int samples = envInt("PAYMESH_BENCH_SAMPLES", 100);
  const int workers = envInt("PAYMESH_BENCH_WORKERS", 4);
  for (auto _ : state) {
    em::EmulatorOptions eo;
    eo.api.history = 20000;
    eo.api.bookmark_interval = std::chrono::milliseconds(1000);
    em::Emulator emulator(eo);
    if (auto err = emulator.start(); !err.empty()) {
      state.SkipWithError(err.c_str());
      return;
    }
    em::ApiServer& api = emulator.api();
    auto crd = paymesh::model::readManifests(PAYMESH_SOURCE_DIR "/crds/paymesh.io_paymentservices.yaml");
    call(api, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", (*crd)[0].doc.value);
    call(api, "POST", "/api/v1/namespaces",
         {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}});
    call(api, "POST", "/api/v1/namespaces",
         {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "paymesh-system"}}}});

    // Population, in-process (no HTTP): the emulator's own write rate without transport.
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i)
      call(api, "POST", "/apis/paymesh.io/v1alpha1/namespaces/bench/paymentservices", service(i, n));
    for (int i = 0; i < n; ++i)
      for (int p = 0; p < pods; ++p) createPod(api, i, p, svcName(i) + "-" + std::to_string(p), podIp(i, p));
    double populate_s = std::chrono::duration<double>(Clock::now() - t0).count();
    double inproc_writes_per_s = (n + 2.0 * n * pods) / populate_s;

    // The ceiling: the emulator's write throughput over HTTP with 4 client threads.
    paymesh::kube::ClusterConfig cc;
    cc.server = emulator.url();
    const int http_writes = 4000;
    std::atomic<int> next{0};
    auto t1 = Clock::now();
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
          auto client = paymesh::kube::RestClient::create(cc);
          if (!client.isOk()) return;
          for (int k; (k = next++) < http_writes;) {
            Json cm = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", "ceiling-" + std::to_string(k)}, {"namespace", "paymesh-system"}}},
                       {"data", {{"x", std::string(2000, 'x')}}}};
            (void)(*client)->create(paymesh::kube::resources::kConfigMaps, "paymesh-system", cm);
          }
        });
      }
    }
    double http_writes_per_s = http_writes / std::chrono::duration<double>(Clock::now() - t1).count();

    // Cold start of the operator binary.
    std::string kc = "/tmp/paymesh-bench-kubeconfig-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(kc) << emulator.kubeconfig();
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      std::string bin = PAYMESH_BINARY_DIR "/operator/paymesh-operator";
      std::string w = std::to_string(workers);
      const char* level = std::getenv("PAYMESH_BENCH_LOG_LEVEL");
      execl(bin.c_str(), bin.c_str(), "--kubeconfig", kc.c_str(), "--metrics-addr", "0", "--health-addr", "0",
            "--workers", w.c_str(), "--log-level", level ? level : "error", static_cast<char*>(nullptr));
      _exit(127);
    }
    while (!converged(api, static_cast<size_t>(n))) {
      if (Clock::now() - start > std::chrono::minutes(10)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    double converge_s = std::chrono::duration<double>(Clock::now() - start).count();
    long rss_converged = procStatusKb(pid, "VmRSS");

    // Pod Ready -> dependents' ConfigMaps (svc-j is called by svc-(j-1) and svc-(j-2)).
    std::vector<double> lat_ms;
    for (int s = 0; s < samples; ++s) {
      int j = (s * 7919) % n;
      std::string ip = "10.250." + std::to_string(s / 250) + "." + std::to_string(s % 250 + 1);
      auto t = Clock::now();
      createPod(api, j, pods + s, svcName(j) + "-extra-" + std::to_string(s), ip);
      std::vector<std::string> dependents = {svcName((j + n - 1) % n), svcName((j + n - 2) % n)};
      auto deadline = t + std::chrono::seconds(30);
      for (;;) {
        bool all = true;
        for (const auto& d : dependents) {
          auto r = call(api, "GET", "/api/v1/namespaces/bench/configmaps/" + d + "-paymesh");
          // The endpoint file is a JSON string inside the ConfigMap JSON: the address ends in \".
          if (r.body.find(ip + "\\\"") == std::string::npos) all = false;
        }
        if (all || Clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      lat_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    std::sort(lat_ms.begin(), lat_ms.end());
    auto pct = [&](double q) {
      return lat_ms.empty() ? 0 : lat_ms[std::min(lat_ms.size() - 1, static_cast<size_t>(q * lat_ms.size()))];
    };
    long rss_end = procStatusKb(pid, "VmRSS");
    long hwm = procStatusKb(pid, "VmHWM");
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);

    state.counters["services"] = n;
    state.counters["pods"] = static_cast<double>(n) * pods;
    state.counters["converge_s"] = converge_s;
    state.counters["emulator_inproc_writes_per_s"] = inproc_writes_per_s;
    state.counters["emulator_http_writes_per_s"] = http_writes_per_s;
    state.counters["pod_ready_p50_ms"] = pct(0.5);
    state.counters["pod_ready_p99_ms"] = pct(0.99);
    state.counters["operator_rss_mib"] = rss_end / 1024.0;
    state.counters["operator_rss_converged_mib"] = rss_converged / 1024.0;
    state.counters["operator_hwm_mib"] = hwm / 1024.0;
    std::remove(kc.c_str());
    emulator.stop();
  }
}
BENCHMARK(BM_OperatorAtScale)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
