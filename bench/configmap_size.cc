// The largest sidecar ConfigMap as a function of a caller's dependencies and their
// endpoints, and where each shape passes Kubernetes' 1 MiB data limit: a markdown table
// for docs/BENCHMARKS.md. Inputs as a cluster gives them: Deployment-style pod names
// (<service>-<10 hex>-<5 chars>), 10.x IPs, the default mesh configuration.
//   build/default/bench/configmap_size

#include <cstdio>
#include <deque>
#include <string>

#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "operator/desired/object_limits.h"
#include "policy/sidecar_config.h"

namespace {

using nlohmann::json;
using paymesh::model::PaymentService;

PaymentService service(const std::string& name, const std::string& policy, json deps) {
  json v = {{"apiVersion", "paymesh.io/v1alpha1"},
            {"kind", "PaymentService"},
            {"metadata", {{"name", name}, {"namespace", "payments"}}},
            {"spec",
             {{"selector", {{"matchLabels", {{"app", name}}}}},
              {"ports", {{{"name", "grpc"}, {"port", 50051}, {"protocol", "GRPC"}}}},
              {"loadBalancing", {{"policy", policy}}},
              {"dependencies", deps}}}};
  return *paymesh::model::parsePaymentService(v).object;
}

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

// The data bytes of the ConfigMap of a caller of `deps` services balanced by `policy`,
// with `per_dep` endpoints each and `own` endpoints of its own (ConsistentHash: a ring).
size_t callerBytes(const std::string& policy, int deps, int per_dep, int own) {
  static const auto mesh = *paymesh::model::parseMeshConfig(json::object()).config;
  std::deque<PaymentService> services;
  paymesh::policy::RenderInputs in;
  json dep_list = json::array();
  for (int d = 0; d < deps; ++d) {
    std::string name = "ledger-" + std::to_string(d);
    dep_list.push_back({{"name", name}});
    services.push_back(service(name, policy, json::array()));
    in.endpoints[name] = endpoints(name, per_dep, d % 200);
  }
  services.push_back(service("payment", "ConsistentHash", dep_list));
  if (own > 0) in.endpoints["payment"] = endpoints("payment", own, 250);
  for (const auto& s : services) in.services[s.metadata.name] = &s;
  in.self = &services.back();
  in.mesh = &mesh;
  auto rendered = paymesh::policy::renderSidecarConfig(in);
  return rendered.isOk() ? paymesh::ctrl::configMapDataBytes(rendered->files) : 0;
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

}  // namespace

int main() {
  const size_t limit = paymesh::ctrl::kMaxConfigMapDataBytes;
  std::printf("| dependencies x endpoints | ConsistentHash | RoundRobin |\n|---|---|---|\n");
  for (auto [deps, per_dep] : {std::pair{1, 1000}, {1, 5000}, {1, 20000}, {5, 1000}, {20, 100}, {20, 500}}) {
    size_t ch = callerBytes("ConsistentHash", deps, per_dep, 0);
    size_t rr = callerBytes("RoundRobin", deps, per_dep, 0);
    std::printf("| %d x %d | %s%s | %s%s |\n", deps, per_dep, kib(ch).c_str(), ch > limit ? " (over)" : "",
                kib(rr).c_str(), rr > limit ? " (over)" : "");
  }
  std::printf("\n| the most that fit 1 MiB | ConsistentHash | RoundRobin |\n|---|---|---|\n");
  for (int deps : {1, 5, 20}) {
    int ch = breakingPoint([&](int n) { return callerBytes("ConsistentHash", deps, n, 0) <= limit; });
    int rr = breakingPoint([&](int n) { return callerBytes("RoundRobin", deps, n, 0) <= limit; });
    std::printf("| endpoints per dependency, %d dependenc%s | %d | %d |\n", deps, deps == 1 ? "y" : "ies", ch, rr);
  }
  int own = breakingPoint([&](int n) { return callerBytes("ConsistentHash", 0, 0, n) <= limit; });
  std::printf("| own endpoints (its ring), no dependency | %s%d | |\n", own == kCap ? "more than " : "", own);
  return 0;
}
