#include "policy/listeners.h"

#include <gtest/gtest.h>

#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;
using testing::exampleInputs;
using testing::file;
using testing::render;

json listenerNamed(const json& lds, const std::string& name) {
  for (const auto& l : lds["resources"]) {
    if (l["name"] == name) return l;
  }
  ADD_FAILURE() << "no listener " << name;
  return json();
}

json routesOf(const json& listener) {
  return listener["filter_chains"][0]["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"];
}

TEST(ListenersTest, NoRetryWithoutTheIdempotencyKeyWhenRequired) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "payment"), "lds.yaml");
  json routes = routesOf(listenerNamed(lds, "outbound|settlement"));
  ASSERT_EQ(routes.size(), 2u);
  // First: requests with the key, retried as settlement's policy says.
  EXPECT_EQ(routes[0]["match"]["headers"][0], json({{"name", "idempotency-key"}, {"present_match", true}}));
  EXPECT_EQ(routes[0]["route"]["retry_policy"]["num_retries"], 3);
  EXPECT_EQ(routes[0]["route"]["retry_policy"]["retry_on"], "connect-failure,refused-stream,unavailable");
  EXPECT_EQ(routes[0]["route"]["retry_policy"]["per_try_timeout"], "0.5s");
  EXPECT_EQ(routes[0]["route"]["retry_policy"]["retry_back_off"],
            json({{"base_interval", "0.025s"}, {"max_interval", "0.25s"}}));
  // Everything else: never retried.
  EXPECT_FALSE(routes[1]["match"].contains("headers"));
  EXPECT_EQ(routes[1]["route"]["retry_policy"], json({{"num_retries", 0}}));
  // Every route that can match a request without the header has num_retries 0.
  for (const auto& l : lds["resources"]) {
    if (l["name"] == "inbound") continue;
    for (const auto& f : l["filter_chains"][0]["filters"]) {
      if (!f["typed_config"].contains("route_config")) continue;
      for (const auto& r : f["typed_config"]["route_config"]["virtual_hosts"][0]["routes"]) {
        if (r["match"].contains("headers")) continue;
        EXPECT_EQ(r["route"]["retry_policy"]["num_retries"], 0) << l["name"];
      }
    }
  }
}

TEST(ListenersTest, ConsistentHashRoutesHashOnThePaymentId) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "payment"), "lds.yaml");
  json routes = routesOf(listenerNamed(lds, "outbound|settlement"));
  for (const auto& r : routes) {
    EXPECT_EQ(r["route"]["hash_policy"], json::parse(R"([{"header": {"header_name": "x-payment-id"}}])"));
    EXPECT_EQ(r["route"]["timeout"], "2s");
  }
  json clearing = routesOf(listenerNamed(lds, "outbound|clearing"));
  EXPECT_EQ(clearing[0]["route"]["hash_policy"], json::parse(R"([{"connection_properties": {"source_ip": true}}])"));
}

TEST(ListenersTest, LocalPortsFromSpecOrPosition) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "payment"), "lds.yaml");
  EXPECT_EQ(listenerNamed(lds, "outbound|settlement")["address"]["socket_address"],
            json({{"address", "127.0.0.1"}, {"port_value", 15201}}));
  EXPECT_EQ(listenerNamed(lds, "outbound|clearing")["address"]["socket_address"]["port_value"], 15101);
}

TEST(ListenersTest, TcpDependencyUsesTcpProxyWithConnectRetriesOnly) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "clearing"), "lds.yaml");
  json proxy = listenerNamed(lds, "outbound|ledger")["filter_chains"][0]["filters"][0];
  EXPECT_EQ(proxy["name"], "envoy.filters.network.tcp_proxy");
  EXPECT_EQ(proxy["typed_config"]["cluster"], "outbound|ledger");
  EXPECT_EQ(proxy["typed_config"]["max_connect_attempts"], 1);
}

TEST(ListenersTest, InboundRequiresClientCertsAndChecksCallers) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "settlement"), "lds.yaml");
  json inbound = listenerNamed(lds, "inbound");
  EXPECT_EQ(inbound["address"]["socket_address"]["port_value"], 15443);
  ASSERT_EQ(inbound["filter_chains"].size(), 1u);  // STRICT: no plain-text chain
  json chain = inbound["filter_chains"][0];
  EXPECT_EQ(chain["filter_chain_match"]["server_names"][0], "grpc.settlement.payments.svc");
  EXPECT_EQ(chain["transport_socket"]["typed_config"]["require_client_certificate"], true);
  json hcm = chain["filters"][0]["typed_config"];
  EXPECT_EQ(hcm["http_filters"][0]["name"], "envoy.filters.http.rbac");
  EXPECT_EQ(
      hcm["http_filters"][0]["typed_config"]["rules"]["policies"]["allowed-callers"]["principals"],
      json::parse(
          R"([{"authenticated": {"principal_name": {"exact": "spiffe://cluster.local/ns/payments/sa/payment"}}}])"));
  EXPECT_EQ(hcm["http_filters"][1]["name"], "envoy.filters.http.router");
}

TEST(ListenersTest, PermissiveAddsAPlainTextChain) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "settlement-standby"), "lds.yaml");
  json chains = listenerNamed(lds, "inbound")["filter_chains"];
  ASSERT_EQ(chains.size(), 2u);
  EXPECT_EQ(chains[1]["filter_chain_match"]["transport_protocol"], "raw_buffer");
  EXPECT_FALSE(chains[1].contains("transport_socket"));
  // allowedCallers is set, so plain text meets the same RBAC filter (and matches no principal).
  EXPECT_EQ(chains[1]["filters"][0]["typed_config"]["http_filters"][0]["name"], "envoy.filters.http.rbac");
}

TEST(ListenersTest, NoAllowedCallersMeansNoRbacFilter) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "payment"), "lds.yaml");
  json hcm = listenerNamed(lds, "inbound")["filter_chains"][0]["filters"][0]["typed_config"];
  ASSERT_EQ(hcm["http_filters"].size(), 1u);
  EXPECT_EQ(hcm["http_filters"][0]["name"], "envoy.filters.http.router");
}

}  // namespace
}  // namespace paymesh::policy
