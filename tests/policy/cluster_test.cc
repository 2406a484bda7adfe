#include "policy/cluster.h"

#include <gtest/gtest.h>

#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using testing::exampleInputs;
using testing::file;
using testing::render;

json clusterNamed(const json& cds, const std::string& name) {
  for (const auto& c : cds["resources"]) {
    if (c["name"] == name) return c;
  }
  ADD_FAILURE() << "no cluster " << name;
  return json();
}

TEST(ClusterTest, FallbackAggregateListsPrimaryFirst) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "payment"), "cds.yaml");
  json agg = clusterNamed(cds, "outbound|settlement");
  EXPECT_EQ(agg["lb_policy"], "CLUSTER_PROVIDED");
  EXPECT_EQ(agg["cluster_type"]["name"], "envoy.clusters.aggregate");
  EXPECT_EQ(agg["cluster_type"]["typed_config"]["clusters"],
            json::array({"outbound|settlement|primary", "outbound|settlement-standby"}));
  // Both members exist, each with its own service's policy.
  EXPECT_EQ(clusterNamed(cds, "outbound|settlement|primary")["lb_policy"], "MAGLEV");
  EXPECT_EQ(clusterNamed(cds, "outbound|settlement-standby")["lb_policy"], "ROUND_ROBIN");
}

TEST(ClusterTest, BalancingPerPolicy) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  json cds = file(render(space, "payment"), "cds.yaml");
  json maglev = clusterNamed(cds, "outbound|settlement|primary");
  EXPECT_EQ(maglev["maglev_lb_config"]["table_size"], 65537);
  json ketama = clusterNamed(cds, "outbound|clearing");
  EXPECT_EQ(ketama["lb_policy"], "RING_HASH");
  EXPECT_EQ(ketama["ring_hash_lb_config"],
            json({{"minimum_ring_size", 4096}, {"maximum_ring_size", 65536}, {"hash_function", "XX_HASH"}}));
  // Both rings hash the endpoints' hostnames (pod names), as ring.json does.
  for (const json* c : {&maglev, &ketama})
    EXPECT_EQ((*c)["common_lb_config"],
              json::parse(R"({"consistent_hashing_lb_config":{"use_hostname_for_hashing":true}})"));
  json clearing_cds = file(render(space, "clearing"), "cds.yaml");
  EXPECT_EQ(clusterNamed(clearing_cds, "outbound|ledger")["lb_policy"], "ROUND_ROBIN");
  EXPECT_FALSE(clusterNamed(clearing_cds, "outbound|ledger").contains("common_lb_config"));
  // LeastConnections is Envoy's least-request balancer.
  space.services.at("settlement").spec.lb_policy = model::LbPolicy::kLeastConnections;
  json lc = clusterNamed(file(render(space, "payment"), "cds.yaml"), "outbound|settlement|primary");
  EXPECT_EQ(lc["lb_policy"], "LEAST_REQUEST");
  EXPECT_EQ(lc["least_request_lb_config"]["choice_count"], 2);
}

TEST(ClusterTest, BreakerAndOutlierDetectionFromTheTargetsSpec) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "clearing"), "cds.yaml");
  json ledger = clusterNamed(cds, "outbound|ledger");
  json t = ledger["circuit_breakers"]["thresholds"][0];
  EXPECT_EQ(t["max_connections"], 200);
  EXPECT_EQ(t["max_pending_requests"], 256);
  // maxRetries is the cap on concurrent retries: no budget to lift it.
  EXPECT_EQ(t["max_retries"], 3);
  EXPECT_FALSE(t.contains("retry_budget"));
  EXPECT_EQ(ledger["outlier_detection"]["consecutive_5xx"], 3);
  EXPECT_EQ(ledger["outlier_detection"]["base_ejection_time"], "30s");
  // ledger runs without mTLS: plain TCP to its application port.
  EXPECT_FALSE(ledger.contains("transport_socket"));
}

TEST(ClusterTest, RetryBudgetReplacesTheCapWhenSet) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  space.services.at("settlement").spec.resilience.circuit_breaker.retry_budget = model::RetryBudget{25, 5};
  json cds = file(render(space, "payment"), "cds.yaml");
  for (const char* name : {"outbound|settlement|primary", "outbound|settlement"}) {
    json t = clusterNamed(cds, name)["circuit_breakers"]["thresholds"][0];
    EXPECT_EQ(t["retry_budget"], json::parse(R"({"budget_percent": {"value": 25.0}, "min_retry_concurrency": 5})"))
        << name;
    // Envoy ignores max_retries next to a budget: it is not rendered at all.
    EXPECT_FALSE(t.contains("max_retries")) << name;
  }
  // The fallback keeps its own cap.
  EXPECT_EQ(clusterNamed(cds, "outbound|settlement-standby")["circuit_breakers"]["thresholds"][0]["max_retries"], 3);
}

TEST(ClusterTest, FallbackAggregateCarriesTheTargetsBreakers) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto& cb = space.services.at("settlement").spec.resilience.circuit_breaker;
  cb.max_retries = 7;
  cb.max_requests = 900;
  json cds = file(render(space, "payment"), "cds.yaml");
  // Retries through the aggregate count against the aggregate: without thresholds of
  // its own Envoy's default (3 retries) would cap what settlement asked for.
  json agg = clusterNamed(cds, "outbound|settlement")["circuit_breakers"];
  EXPECT_EQ(agg, clusterNamed(cds, "outbound|settlement|primary")["circuit_breakers"]);
  EXPECT_EQ(agg["thresholds"][0],
            json::parse(R"({"priority": "DEFAULT", "max_connections": 1024, "max_pending_requests": 256,
                            "max_requests": 900, "max_retries": 7})"));
}

TEST(ClusterTest, InboundClustersCarryTheServicesOwnBreakers) {
  auto in = exampleInputs();
  auto& space = in.namespaces.at("payments");
  auto& cb = space.services.at("clearing").spec.resilience.circuit_breaker;
  cb.max_connections = 64;
  cb.max_pending_requests = 32;
  cb.max_requests = 128;
  json cds = file(render(space, "clearing"), "cds.yaml");
  for (const char* name : {"inbound|http", "inbound|admin"}) {
    // Envoy's defaults (1024) would otherwise cap the application silently; retries to
    // the application are 0: callers' sidecars retry, the callee's never does again.
    EXPECT_EQ(clusterNamed(cds, name)["circuit_breakers"]["thresholds"][0],
              json::parse(R"({"priority": "DEFAULT", "max_connections": 64, "max_pending_requests": 32,
                              "max_requests": 128, "max_retries": 0})"))
        << name;
  }
}

TEST(ClusterTest, UpstreamMtlsChecksTheTargetsIdentity) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "payment"), "cds.yaml");
  json tls = clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"];
  EXPECT_EQ(tls["@type"], "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
  EXPECT_EQ(tls["sni"], "http.clearing.payments.svc");
  const json& validation = tls["common_tls_context"]["combined_validation_context"];
  EXPECT_EQ(
      validation["default_validation_context"]["match_typed_subject_alt_names"],
      json::parse(R"([{"san_type": "URI", "matcher": {"exact": "spiffe://cluster.local/ns/payments/sa/clearing"}}])"));
  EXPECT_EQ(validation["validation_context_sds_secret_config"]["name"], "trust-bundle");
  EXPECT_EQ(tls["common_tls_context"]["tls_certificate_sds_secret_configs"][0]["name"], "workload-certificate");
}

TEST(ClusterTest, GrpcTargetsSpeakHttp2) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "payment"), "cds.yaml");
  EXPECT_TRUE(clusterNamed(cds, "outbound|settlement|primary").contains("typed_extension_protocol_options"));
  EXPECT_FALSE(clusterNamed(cds, "outbound|clearing").contains("typed_extension_protocol_options"));
}

}  // namespace
}  // namespace paymesh::policy
