#include "policy/rate_limit.h"

#include <gtest/gtest.h>

#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;

model::PaymentService limited(const json& rate_limit, const json& extra = json::object()) {
  json spec = {{"selector", {{"matchLabels", {{"app", "settlement"}}}}},
               {"ports", json::parse(R"([{"name": "grpc", "port": 50051, "protocol": "GRPC"},
                                         {"name": "http", "port": 8080}, {"name": "db", "port": 5432, "protocol": "TCP"}])")},
               {"resilience", {{"rateLimit", rate_limit}}},
               {"authorization", {{"allowedCallers", {"payment", "refunds"}}}}};
  spec.merge_patch(extra);
  auto r = model::parsePaymentService({{"apiVersion", "paymesh.io/v1alpha1"},
                                       {"kind", "PaymentService"},
                                       {"metadata", {{"name", "settlement"}, {"namespace", "payments"}}},
                                       {"spec", spec}});
  EXPECT_TRUE(r.object) << (r.errors.empty() ? "" : model::toString(r.errors[0]));
  return r.object ? *r.object : model::PaymentService{};
}

json inboundChains(const model::PaymentService& svc) {
  RenderInputs in;
  in.self = &svc;
  in.mesh = &testing::defaultMesh();
  auto cfg = renderSidecarConfig(in);
  EXPECT_TRUE(cfg.isOk()) << cfg.status().message();
  return testing::file(*cfg, "lds.yaml")["resources"][0]["filter_chains"];
}

json chain(const json& chains, const std::string& port) {
  for (const auto& c : chains)
    if (c["name"] == "inbound|" + port) return c;
  ADD_FAILURE() << "no chain " << port;
  return json();
}

TEST(RateLimitTest, ABucketPerPodAnswered429WithRetryAfter) {
  auto chains = inboundChains(limited({{"requestsPerSecond", 200}, {"burst", 500}}));
  json hcm = chain(chains, "http")["filters"][0]["typed_config"];
  json filter = hcm["http_filters"][0];
  ASSERT_EQ(filter["name"], "envoy.filters.http.local_ratelimit");
  const json& c = filter["typed_config"];
  EXPECT_EQ(c["token_bucket"], json::parse(R"({"max_tokens": 500, "tokens_per_fill": 200, "fill_interval": "1s"})"));
  // Envoy's default enables the filter for no request.
  for (const char* k : {"filter_enabled", "filter_enforced"})
    EXPECT_EQ(c[k]["default_value"], json::parse(R"({"numerator": 100, "denominator": "HUNDRED"})")) << k;
  EXPECT_EQ(c["response_headers_to_add"][0]["header"], json::parse(R"({"key": "retry-after", "value": "1"})"));
  EXPECT_FALSE(c.contains("descriptors"));
  EXPECT_FALSE(c.contains("rate_limited_as_resource_exhausted")) << "an HTTP caller sees 429";
  EXPECT_FALSE(hcm.contains("forward_client_cert_details"));
}

TEST(RateLimitTest, BurstDefaultsToTheRateAndGrpcCallersSeeResourceExhausted) {
  auto chains = inboundChains(limited({{"requestsPerSecond", 50}}));
  json c = chain(chains, "grpc")["filters"][0]["typed_config"]["http_filters"][0]["typed_config"];
  EXPECT_EQ(c["token_bucket"]["max_tokens"], 50);
  EXPECT_EQ(c["rate_limited_as_resource_exhausted"], true) << "UNAVAILABLE would be retried by the caller";
}

TEST(RateLimitTest, ATcpPortCountsConnections) {
  auto chains = inboundChains(limited({{"requestsPerSecond", 20}}));
  json filters = chain(chains, "db")["filters"];
  ASSERT_EQ(filters[0]["name"], "envoy.filters.network.local_ratelimit");
  EXPECT_EQ(filters[0]["typed_config"]["token_bucket"]["tokens_per_fill"], 20);
  EXPECT_EQ(filters.back()["name"], "envoy.filters.network.tcp_proxy");
}

TEST(RateLimitTest, PerCallerBucketsAreKeyedByTheVerifiedClientCertificate) {
  auto chains = inboundChains(limited({{"requestsPerSecond", 100}, {"perCaller", true}}));
  json hcm = chain(chains, "http")["filters"][0]["typed_config"];
  EXPECT_EQ(hcm["forward_client_cert_details"], "SANITIZE_SET") << "a client cannot set the header itself";
  EXPECT_EQ(hcm["set_current_client_cert_details"], json::parse(R"({"uri": true})"));
  const json& c = hcm["http_filters"][0]["typed_config"];
  ASSERT_EQ(c["descriptors"].size(), 2u);
  EXPECT_EQ(c["descriptors"][0]["entries"][0], json::parse(R"({"key": "paymesh-caller", "value": "payment"})"));
  EXPECT_EQ(c["descriptors"][1]["entries"][0]["value"], "refunds");
  EXPECT_EQ(c["descriptors"][1]["token_bucket"]["tokens_per_fill"], 100);
  EXPECT_EQ(c["always_consume_default_token_bucket"], false);
  const json& limits = hcm["route_config"]["virtual_hosts"][0]["routes"][0]["route"]["rate_limits"];
  ASSERT_EQ(limits.size(), 2u);
  const json& match = limits[0]["actions"][0]["header_value_match"];
  EXPECT_EQ(match["descriptor_key"], "paymesh-caller");
  EXPECT_EQ(match["descriptor_value"], "payment");
  EXPECT_EQ(match["headers"][0]["name"], "x-forwarded-client-cert");
  EXPECT_EQ(match["headers"][0]["string_match"]["suffix"], ";URI=spiffe://cluster.local/ns/payments/sa/payment");
}

TEST(RateLimitTest, NoLimitNoFilter) {
  auto svc = limited({{"requestsPerSecond", 1}});
  svc.spec.resilience.rate_limit.reset();
  for (const auto& c : inboundChains(svc))
    for (const auto& f : c["filters"][0]["typed_config"].value("http_filters", json::array()))
      EXPECT_NE(f["name"], "envoy.filters.http.local_ratelimit");
}

}  // namespace
}  // namespace paymesh::policy
