#include "policy/cluster.h"

#include <optional>

#include "base/duration.h"
#include "pki/spiffe.h"
#include "policy/config_source.h"
#include "policy/names.h"
#include "policy/tls_context.h"

namespace paymesh::policy {

using model::LbPolicy;
using model::PaymentService;

namespace {

constexpr const char* kConnectTimeout = "1s";

Json http2Options() {
  return {{"envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
           {{"@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"},
            {"explicit_http_config", {{"http2_protocol_options", Json::object()}}}}}};
}

const char* lbPolicy(const PaymentService& s) {
  switch (s.spec.lb_policy) {
    case LbPolicy::kRoundRobin:
    case LbPolicy::kWeightedRoundRobin: return "ROUND_ROBIN";
    case LbPolicy::kLeastConnections: return "LEAST_REQUEST";
    case LbPolicy::kConsistentHash:
      return s.spec.ring.algorithm == model::RingAlgorithm::kMaglev ? "MAGLEV" : "RING_HASH";
  }
  return "ROUND_ROBIN";
}

// Thresholds at the DEFAULT priority (the only one routes use). Retries are capped by
// maxRetries, or, when the service sets a retryBudget, by the budget alone: Envoy ignores
// max_retries once a retry_budget is present, so only one of them is rendered.
Json thresholds(const model::CircuitBreaker& cb, std::optional<int64_t> max_retries_override = std::nullopt) {
  Json t = {{"priority", "DEFAULT"},
            {"max_connections", cb.max_connections},
            {"max_pending_requests", cb.max_pending_requests},
            {"max_requests", cb.max_requests}};
  if (max_retries_override) {
    t["max_retries"] = *max_retries_override;
  } else if (cb.retry_budget) {
    t["retry_budget"] = {{"budget_percent", {{"value", static_cast<double>(cb.retry_budget->percent)}}},
                         {"min_retry_concurrency", cb.retry_budget->min_concurrency}};
  } else {
    t["max_retries"] = cb.max_retries;
  }
  return {{"thresholds", Json::array({t})}};
}

}  // namespace

bool carriesWeights(const PaymentService& target) { return target.spec.lb_policy == LbPolicy::kWeightedRoundRobin; }

std::string edsClusterName(const PaymentService& target) {
  return target.spec.resilience.fallback_service ? primaryCluster(target.metadata.name)
                                                 : outboundCluster(target.metadata.name);
}

Json serviceCluster(const PaymentService& target, const model::MeshConfig& mesh, const std::string& eds_file) {
  const auto& spec = target.spec;
  const auto& cb = spec.resilience.circuit_breaker;
  std::string name = edsClusterName(target);
  Json c;
  c["name"] = name;
  c["type"] = "EDS";
  c["eds_cluster_config"] = {{"service_name", name}, {"eds_config", fileConfigSource(eds_file)}};
  c["connect_timeout"] = kConnectTimeout;
  c["lb_policy"] = lbPolicy(target);
  if (spec.lb_policy == LbPolicy::kConsistentHash) {
    if (spec.ring.algorithm == model::RingAlgorithm::kMaglev) {
      c["maglev_lb_config"] = {{"table_size", spec.ring.table_size}};
    } else {
      c["ring_hash_lb_config"] = {
          {"minimum_ring_size", spec.ring.virtual_nodes},
          {"maximum_ring_size", spec.ring.max_ring_size},
          {"hash_function", spec.ring.hash_function == model::HashFunction::kXxHash ? "XX_HASH" : "MURMUR_HASH_2"}};
    }
    // The ring's keys are the endpoints' hostnames (their pod names, as in ring.json),
    // not their addresses: a pod keeps its place across a new IP. The hostname is in
    // every endpoint file already, so this costs no byte per endpoint.
    c["common_lb_config"] = {{"consistent_hashing_lb_config", {{"use_hostname_for_hashing", true}}}};
  } else if (spec.lb_policy == LbPolicy::kLeastConnections) {
    // Power of two choices over outstanding requests: Envoy's least-request balancer.
    c["least_request_lb_config"] = {{"choice_count", 2}};
  }
  c["circuit_breakers"] = thresholds(cb);
  c["outlier_detection"] = {{"consecutive_5xx", cb.consecutive_errors},
                            {"consecutive_gateway_failure", cb.consecutive_errors},
                            {"enforcing_consecutive_gateway_failure", 100},
                            {"interval", formatProtoDuration(cb.interval)},
                            {"base_ejection_time", formatProtoDuration(cb.base_ejection_time)},
                            {"max_ejection_percent", cb.max_ejection_percent}};
  const model::Port& port = spec.ports.front();
  bool http2 = port.protocol == model::Protocol::kGrpc;
  if (http2) c["typed_extension_protocol_options"] = http2Options();
  if (spec.tls.mode != model::TlsMode::kDisable) {
    c["transport_socket"] = upstreamTlsSocket(
        portSni(port.name, target.metadata.name, target.metadata.namespace_),
        pki::workloadSpiffeId(mesh.trust_domain, target.metadata.namespace_, spec.service_account), http2);
  }
  return c;
}

Json fallbackAggregateCluster(const PaymentService& target, const std::vector<const PaymentService*>& members) {
  Json clusters = Json::array();
  for (const PaymentService* m : members) clusters.push_back(edsClusterName(*m));
  return {{"name", outboundCluster(target.metadata.name)},
          {"connect_timeout", kConnectTimeout},
          {"lb_policy", "CLUSTER_PROVIDED"},
          {"cluster_type",
           {{"name", "envoy.clusters.aggregate"},
            {"typed_config",
             {{"@type", "type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig"},
              // Priority order: the primary's endpoints first, the fallback's only when
              // the primary has no healthy endpoint left (see the primary's EDS policy).
              {"clusters", clusters}}}}},
          // The route names this cluster, so its retry limit is the one Envoy applies to
          // every retry through it: the target's own breaker, not Envoy's default of 3.
          {"circuit_breakers", thresholds(target.spec.resilience.circuit_breaker)}};
}

Json inboundCluster(const PaymentService& self, const model::Port& port) {
  Json c = {{"name", policy::inboundCluster(port.name)},
            {"type", "STATIC"},
            {"connect_timeout", kConnectTimeout},
            {"load_assignment",
             {{"cluster_name", policy::inboundCluster(port.name)},
              {"endpoints",
               Json::array({{{"lb_endpoints",
                              Json::array({{{"endpoint",
                                             {{"address",
                                               {{"socket_address",
                                                 {{"address", "127.0.0.1"}, {"port_value", port.port}}}}}}}}})}}})}}}};
  // What the service declares it can take, at this pod: connections, queue and requests
  // in flight. The inbound side never retries (its callers' sidecars do), so retries to
  // the application are capped at 0.
  c["circuit_breakers"] = thresholds(self.spec.resilience.circuit_breaker, 0);
  if (port.protocol == model::Protocol::kGrpc) c["typed_extension_protocol_options"] = http2Options();
  return c;
}

}  // namespace paymesh::policy
