// A caller's sidecar configuration as a function of its dependencies and their endpoints:
// its size, how many ConfigMaps the operator writes for it (the first and its endpoint
// shards), and the most endpoints that fit Kubernetes' 1 MiB data limit in one ConfigMap
// and with shards: markdown tables for docs/BENCHMARKS.md. Inputs as a cluster gives them: Deployment-style pod names
// (<service>-<10 hex>-<5 chars>), 10.x IPs, the default mesh configuration.
//   build/default/bench/configmap_size

#include <cstdio>
#include <deque>
#include <map>
#include <string>

#include "bench_services.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "operator/desired/object_limits.h"
#include "policy/sidecar_config.h"

namespace {

using nlohmann::json;
using paymesh::model::PaymentService;

using paymesh::bench::benchService;

// A pod name as a Deployment's ReplicaSet gives it, deterministic per index.
std::string podName(const std::string& service, int i) {
  static const char kChars[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string suffix;
  unsigned x = static_cast<unsigned>(i) * 2654435761u + 12345u;
  for (int k = 0; k < 5; ++k, x /= 27) suffix += kChars[x % 27];
  return service + "-7d9f8c6b5d-" + suffix;
}

std::vector<paymesh::model::ServiceEndpoint> endpoints(const std::string& service, int n, int subnet) {
  std::vector<paymesh::model::ServiceEndpoint> out;
  out.reserve(static_cast<size_t>(n));
  for (int e = 0; e < n; ++e)
    out.push_back({podName(service, e),
                   "10." + std::to_string(subnet) + "." + std::to_string(e / 250) + "." + std::to_string(e % 250 + 1),
                   1, true});
  return out;
}

using Files = std::map<std::string, std::string>;

// The files of a caller of `deps` services balanced by `policy`, with `per_dep` endpoints
// each and `own` endpoints of its own (ConsistentHash: a ring).
Files callerFiles(const std::string& policy, int deps, int per_dep, int own) {
  static const auto mesh = *paymesh::model::parseMeshConfig(json::object()).config;
  std::deque<PaymentService> services;
  paymesh::policy::RenderInputs in;
  json dep_list = json::array();
  for (int d = 0; d < deps; ++d) {
    std::string name = "ledger-" + std::to_string(d);
    dep_list.push_back({{"name", name}});
    services.push_back(benchService(name, policy, json::array()));
    in.endpoints[name] = endpoints(name, per_dep, d % 200);
  }
  services.push_back(benchService("payment", "ConsistentHash", dep_list));
  if (own > 0) in.endpoints["payment"] = endpoints("payment", own, 250);
  for (const auto& s : services) in.services[s.metadata.name] = &s;
  in.self = &services.back();
  in.mesh = &mesh;
  auto rendered = paymesh::policy::renderSidecarConfig(in);
  return rendered.isOk() ? rendered->files : Files{};
}

bool fitsOne(const Files& files) {
  return paymesh::ctrl::configMapDataBytes(files) <= paymesh::ctrl::kMaxConfigMapDataBytes;
}

// How many ConfigMaps the operator writes for it (the first and its shards in use), or 0.
int configMapsWritten(const Files& files) {
  auto layout = paymesh::ctrl::layOutConfig("payments/payment-paymesh", files);
  if (!layout.problem.empty()) return 0;
  int n = 1;
  for (const auto& shard : layout.shards) n += shard.empty() ? 0 : 1;
  return n;
}

// The most endpoints that still fit (binary search over fits(n)); kCap when that fits.
constexpr int kCap = 1 << 16;
template <typename Fits>
int breakingPoint(Fits fits) {
  int lo = 0, hi = 1;
  while (fits(hi)) {
    if (hi >= kCap) return kCap;
    lo = hi, hi *= 2;
  }
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

std::string kib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f KiB", static_cast<double>(bytes) / 1024);
  return buf;
}

std::string cell(const Files& files) {
  int written = configMapsWritten(files);
  return kib(paymesh::ctrl::configMapDataBytes(files)) + (fitsOne(files) ? "" : " (over one)") + ", " +
         (written ? std::to_string(written) + " ConfigMap" + (written == 1 ? "" : "s") : std::string("not written"));
}

}  // namespace

int main() {
  std::printf("| dependencies x endpoints | ConsistentHash | RoundRobin |\n|---|---|---|\n");
  for (auto [deps, per_dep] : {std::pair{1, 1000}, {1, 5000}, {1, 20000}, {5, 1000}, {20, 100}, {20, 500}}) {
    std::printf("| %d x %d | %s | %s |\n", deps, per_dep, cell(callerFiles("ConsistentHash", deps, per_dep, 0)).c_str(),
                cell(callerFiles("RoundRobin", deps, per_dep, 0)).c_str());
  }
  std::printf(
      "\n| the most endpoints per dependency | ConsistentHash, one ConfigMap | with shards | RoundRobin, one "
      "ConfigMap | with shards |\n|---|---|---|---|---|\n");
  for (int deps : {1, 5, 20}) {
    auto most = [&](const std::string& policy, auto fits) {
      return breakingPoint([&](int n) { return fits(callerFiles(policy, deps, n, 0)); });
    };
    auto sharded = [](const Files& f) { return configMapsWritten(f) > 0; };
    std::printf("| %d dependenc%s | %d | %d | %d | %d |\n", deps, deps == 1 ? "y" : "ies",
                most("ConsistentHash", fitsOne), most("ConsistentHash", sharded), most("RoundRobin", fitsOne),
                most("RoundRobin", sharded));
  }
  int own = breakingPoint([&](int n) { return fitsOne(callerFiles("ConsistentHash", 0, 0, n)); });
  std::printf("| own endpoints (its ring), no dependency | %s%d | | | |\n", own == kCap ? "more than " : "", own);
  return 0;
}
