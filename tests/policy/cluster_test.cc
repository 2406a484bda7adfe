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
  json clearing_cds = file(render(space, "clearing"), "cds.yaml");
  EXPECT_EQ(clusterNamed(clearing_cds, "outbound|ledger")["lb_policy"], "ROUND_ROBIN");
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
  EXPECT_EQ(t["retry_budget"]["min_retry_concurrency"], 3);
  EXPECT_EQ(ledger["outlier_detection"]["consecutive_5xx"], 3);
  EXPECT_EQ(ledger["outlier_detection"]["base_ejection_time"], "30s");
  // ledger runs without mTLS: plain TCP to its application port.
  EXPECT_FALSE(ledger.contains("transport_socket"));
}

TEST(ClusterTest, UpstreamMtlsChecksTheTargetsIdentity) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "payment"), "cds.yaml");
  json tls = clusterNamed(cds, "outbound|clearing")["transport_socket"]["typed_config"];
  EXPECT_EQ(tls["@type"], "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
  EXPECT_EQ(tls["sni"], "http.clearing.payments.svc");
  EXPECT_EQ(
      tls["common_tls_context"]["validation_context"]["match_typed_subject_alt_names"][0],
      json::parse(R"({"san_type": "URI", "matcher": {"exact": "spiffe://cluster.local/ns/payments/sa/clearing"}})"));
  EXPECT_EQ(tls["common_tls_context"]["tls_certificates"][0]["certificate_chain"]["filename"],
            "/etc/paymesh/tls/tls.crt");
}

TEST(ClusterTest, GrpcTargetsSpeakHttp2) {
  auto in = exampleInputs();
  json cds = file(render(in.namespaces.at("payments"), "payment"), "cds.yaml");
  EXPECT_TRUE(clusterNamed(cds, "outbound|settlement|primary").contains("typed_extension_protocol_options"));
  EXPECT_FALSE(clusterNamed(cds, "outbound|clearing").contains("typed_extension_protocol_options"));
}

}  // namespace
}  // namespace paymesh::policy
