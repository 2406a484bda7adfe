// Rendering the sidecar configuration of a service with 20 dependencies of 100
// endpoints each (the target is at most 5 ms per render), the size of the result and
// the page faults a render costs.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <deque>
#include <string>

#include "bench_services.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "policy/sidecar_config.h"

namespace {

using nlohmann::json;
using paymesh::model::PaymentService;

using paymesh::bench::benchService;

struct Platform {
  std::deque<PaymentService> services;
  paymesh::model::MeshConfig mesh = *paymesh::model::parseMeshConfig(json::object()).config;
  paymesh::policy::RenderInputs in;

  Platform(int deps, int endpoints) {
    static const char* kPolicies[] = {"ConsistentHash", "RoundRobin", "WeightedRoundRobin", "LeastConnections"};
    json dep_list = json::array();
    for (int d = 0; d < deps; ++d) {
      std::string name = "dep-" + std::to_string(d);
      dep_list.push_back({{"name", name}});
      services.push_back(benchService(name, kPolicies[d % 4], json::array()));
      auto& eps = in.endpoints[name];
      for (int e = 0; e < endpoints; ++e) {
        eps.push_back({name + "-pod-" + std::to_string(e),
                       "10." + std::to_string(d) + "." + std::to_string(e / 250) + "." + std::to_string(e % 250), 1,
                       true});
      }
    }
    services.push_back(benchService("caller", "ConsistentHash", dep_list));
    for (const auto& s : services) in.services[s.metadata.name] = &s;
    in.self = &services.back();
    in.mesh = &mesh;
  }
};

long minorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

void BM_RenderSidecarConfig(benchmark::State& state) {
  Platform p(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  size_t bytes = 0;
  long faults_before = minorFaults();
  for (auto _ : state) {
    auto cfg = paymesh::policy::renderSidecarConfig(p.in);
    bytes = 0;
    for (const auto& [k, v] : cfg->files) bytes += v.size();
    benchmark::DoNotOptimize(cfg);
  }
  state.counters["config_bytes"] = static_cast<double>(bytes);
  // Pages the allocator gave back and faulted in again: a render that reuses its memory
  // faults close to none.
  state.counters["page_faults_per_render"] =
      benchmark::Counter(static_cast<double>(minorFaults() - faults_before), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_RenderSidecarConfig)->Args({20, 100})->Args({1, 1000})->Args({3, 1000})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
