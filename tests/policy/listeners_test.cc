#include "policy/listeners.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

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

TEST(ListenersTest, ARetryGoesToAPodNotTriedYet) {
  auto in = exampleInputs();
  json lds = file(render(in.namespaces.at("payments"), "payment"), "lds.yaml");
  json routes = routesOf(listenerNamed(lds, "outbound|settlement"));
  // settlement balances by Maglev on the payment id: without the predicate every retry
  // would hash to the pod that just failed.
  const json& retry = routes[0]["route"]["retry_policy"];
  EXPECT_EQ(retry["retry_host_predicate"],
            json::parse(R"([{"name": "envoy.retry_host_predicates.previous_hosts", "typed_config": {"@type":
              "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"}}])"));
  EXPECT_EQ(retry["host_selection_retry_max_attempts"], 5);
  // A route that never retries needs none.
  EXPECT_FALSE(routes[1]["route"]["retry_policy"].contains("retry_host_predicate"));
}

// Every HTTP connection manager in a rendered listener file.
std::vector<json> connectionManagers(const json& lds) {
  std::vector<json> out;
  for (const auto& l : lds["resources"])
    for (const auto& chain : l["filter_chains"])
      for (const auto& f : chain["filters"])
        if (f["name"] == "envoy.filters.network.http_connection_manager") out.push_back(f["typed_config"]);
  return out;
}

TEST(ListenersTest, RequestHeadersCannotChangeRetriesOrTimeouts) {
  // The request headers Envoy's router reads to set a request's retries or timeouts
  // (router filter reference, "HTTP headers (consumed from downstreams)").
  const std::set<std::string> consumed = {"x-envoy-max-retries",
                                          "x-envoy-retry-on",
                                          "x-envoy-retry-grpc-on",
                                          "x-envoy-retriable-status-codes",
                                          "x-envoy-retriable-header-names",
                                          "x-envoy-hedge-on-per-try-timeout",
                                          "x-envoy-upstream-rq-timeout-ms",
                                          "x-envoy-upstream-rq-per-try-timeout-ms",
                                          "x-envoy-upstream-rq-timeout-alt-response",
                                          "x-envoy-upstream-stream-duration-ms"};
  auto in = exampleInputs();
  size_t checked = 0;
  for (const auto& [name, svc] : in.namespaces.at("payments").services) {
    json lds = file(render(in.namespaces.at("payments"), name), "lds.yaml");
    for (const auto& hcm : connectionManagers(lds)) {
      ++checked;
      // Removed before routing and before any filter: the early header mutation runs first.
      ASSERT_EQ(hcm["early_header_mutation_extensions"].size(), 1u) << name;
      const json& ext = hcm["early_header_mutation_extensions"][0];
      EXPECT_EQ(ext["name"], "envoy.http.early_header_mutation.header_mutation");
      std::set<std::string> removed;
      for (const auto& m : ext["typed_config"]["mutations"]) removed.insert(m["remove"].get<std::string>());
      EXPECT_EQ(removed, consumed) << name;
      // No retry policy a header could widen: only per-route policies, num_retries 0
      // where the idempotency rule forbids retries.
      for (const auto& vh : hcm["route_config"]["virtual_hosts"]) EXPECT_FALSE(vh.contains("retry_policy"));
    }
  }
  EXPECT_GE(checked, 6u);  // outbound HTTP listeners and inbound chains, PERMISSIVE plain text included
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
  // settlement also limits its callers' rate (rate_limit_test.cc): first filter.
  EXPECT_EQ(hcm["http_filters"][0]["name"], "envoy.filters.http.local_ratelimit");
  EXPECT_EQ(hcm["http_filters"][1]["name"], "envoy.filters.http.rbac");
  EXPECT_EQ(
      hcm["http_filters"][1]["typed_config"]["rules"]["policies"]["allowed-callers"]["principals"],
      json::parse(
          R"([{"authenticated": {"principal_name": {"exact": "spiffe://cluster.local/ns/payments/sa/payment"}}}])"));
  EXPECT_EQ(hcm["http_filters"][2]["name"], "envoy.filters.http.router");
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
  auto& space = in.namespaces.at("payments");
  // payment, without its end-user authentication: nothing left for RBAC to check.
  space.services.at("payment").spec.jwt.reset();
  space.services.at("payment").spec.required_claims.clear();
  json lds = file(render(space, "payment"), "lds.yaml");
  json hcm = listenerNamed(lds, "inbound")["filter_chains"][0]["filters"][0]["typed_config"];
  ASSERT_EQ(hcm["http_filters"].size(), 1u);
  EXPECT_EQ(hcm["http_filters"][0]["name"], "envoy.filters.http.router");
}

}  // namespace
}  // namespace paymesh::policy
