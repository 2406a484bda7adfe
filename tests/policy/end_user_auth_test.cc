#include "policy/end_user_auth.h"

#include <gtest/gtest.h>

#include "policy/reload_check.h"
#include "render_fixture.h"

namespace paymesh::policy {
namespace {

using nlohmann::json;

constexpr const char* kJwks = R"({"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"x","y":"y"}]})";

// A service with two HTTP ports and a TCP one, two providers (ConfigMap and remote) and
// rules on each port.
model::PaymentService authService(const json& extra = json::object()) {
  json spec = json::parse(R"({
    "selector": {"matchLabels": {"app": "api"}},
    "ports": [{"name": "http", "port": 8080}, {"name": "admin", "port": 9090}, {"name": "db", "port": 5432, "protocol": "TCP"}],
    "authentication": {"jwt": {
      "providers": [
        {"name": "idp", "issuer": "https://idp.example.com", "audiences": ["payments-api", "payments"],
         "jwks": {"configMap": {"name": "idp-jwks"}},
         "fromHeaders": [{"name": "x-token"}, {"name": "authorization", "valuePrefix": "Bearer "}],
         "fromParams": ["access_token"], "forward": true,
         "claimToHeaders": [{"claim": "sub", "header": "x-user-id"}, {"claim": "realm.tier", "header": "x-tier"}]},
        {"name": "partner", "issuer": "http://partner.internal/realms/pay", "audiences": ["payments-api"],
         "jwks": {"remote": {"uri": "https://partner.internal:8443/realms/pay/certs", "cacheDuration": "10m", "timeout": "2s"}}}],
      "rules": [
        {"ports": ["http"], "pathPrefix": "/healthz", "action": "Exempt"},
        {"pathPrefix": "/public", "action": "AllowMissing", "providers": ["idp"]},
        {"ports": ["admin"], "pathPrefix": "/", "providers": ["partner"]}]}},
    "authorization": {"allowedCallers": ["payment"],
                      "requiredClaims": [{"claim": "scope", "values": ["payments:write", "a.b"]}]}})");
  spec.merge_patch(extra);
  json obj = {{"apiVersion", "paymesh.io/v1alpha1"},
              {"kind", "PaymentService"},
              {"metadata", {{"name", "api"}, {"namespace", "payments"}}},
              {"spec", spec}};
  auto r = model::parsePaymentService(obj);
  EXPECT_TRUE(r.object) << (r.errors.empty() ? "" : model::toString(r.errors[0]));
  return r.object ? *r.object : model::PaymentService{};
}

SidecarConfig renderAuth(const model::PaymentService& svc) {
  RenderInputs in;
  in.self = &svc;
  in.services[svc.metadata.name] = &svc;
  in.mesh = &testing::defaultMesh();
  in.jwks["idp"] = kJwks;
  auto cfg = renderSidecarConfig(in);
  EXPECT_TRUE(cfg.isOk()) << cfg.status().message();
  return cfg.isOk() ? *cfg : SidecarConfig{};
}

// The HTTP filters of the inbound chain for `port`.
json httpFilters(const SidecarConfig& cfg, const std::string& port) {
  json lds = testing::file(cfg, "lds.yaml");
  for (const auto& chain : lds["resources"][0]["filter_chains"])
    if (chain["name"] == "inbound|" + port) return chain["filters"][0]["typed_config"]["http_filters"];
  ADD_FAILURE() << "no chain for " << port;
  return json();
}

json filterNamed(const json& filters, const std::string& name) {
  for (const auto& f : filters)
    if (f["name"] == name) return f["typed_config"];
  return json();
}

TEST(EndUserAuthTest, FiltersRunRateLimitThenTokenThenAuthorizationThenRouter) {
  auto svc = authService(json::parse(R"({"resilience": {"rateLimit": {"requestsPerSecond": 10}}})"));
  std::vector<std::string> names;
  for (const auto& f : httpFilters(renderAuth(svc), "http")) names.push_back(f["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"envoy.filters.http.local_ratelimit", "envoy.filters.http.jwt_authn",
                                             "envoy.filters.http.rbac", "envoy.filters.http.router"}));
}

TEST(EndUserAuthTest, ProvidersCarryEveryFieldOfTheSpec) {
  json jwt = filterNamed(httpFilters(renderAuth(authService()), "http"), "envoy.filters.http.jwt_authn");
  const json& idp = jwt["providers"]["idp"];
  EXPECT_EQ(idp["issuer"], "https://idp.example.com");
  EXPECT_EQ(idp["audiences"], json::array({"payments-api", "payments"}));
  EXPECT_EQ(idp["local_jwks"]["inline_string"], kJwks) << "keys inline: a file would be read once";
  EXPECT_EQ(idp["from_headers"],
            json::parse(R"([{"name": "x-token"}, {"name": "authorization", "value_prefix": "Bearer "}])"));
  EXPECT_EQ(idp["from_params"], json::array({"access_token"}));
  EXPECT_EQ(idp["forward"], true);
  EXPECT_EQ(idp["claim_to_headers"], json::parse(R"([{"header_name": "x-user-id", "claim_name": "sub"},
                                                     {"header_name": "x-tier", "claim_name": "realm.tier"}])"));
  EXPECT_EQ(idp["payload_in_metadata"], "idp") << "required claims read the verified payload";
  EXPECT_EQ(idp["clock_skew_seconds"], 60);

  const json& partner = jwt["providers"]["partner"];
  EXPECT_EQ(
      partner["remote_jwks"]["http_uri"],
      json::parse(
          R"({"uri": "https://partner.internal:8443/realms/pay/certs", "cluster": "jwks|partner", "timeout": "2s"})"));
  EXPECT_EQ(partner["remote_jwks"]["cache_duration"], "600s");
  EXPECT_TRUE(partner["remote_jwks"].contains("async_fetch"));
  // Neither headers nor parameters named: the Authorization header only, never a URL.
  EXPECT_EQ(partner["from_headers"], json::parse(R"([{"name": "authorization", "value_prefix": "Bearer "}])"));
  EXPECT_FALSE(partner.contains("from_params"));
  EXPECT_EQ(partner["forward"], false);
}

TEST(EndUserAuthTest, EachPortGetsItsRulesInOrderEndingWithRequire) {
  auto cfg = renderAuth(authService());
  json http = filterNamed(httpFilters(cfg, "http"), "envoy.filters.http.jwt_authn")["rules"];
  EXPECT_EQ(http, json::parse(R"([
    {"match": {"prefix": "/healthz"}},
    {"match": {"prefix": "/public"}, "requires": {"requires_any": {"requirements": [{"provider_name": "idp"}, {"allow_missing": {}}]}}},
    {"match": {"prefix": "/"}, "requires": {"requires_any": {"requirements": [{"provider_name": "idp"}, {"provider_name": "partner"}]}}}])"));
  json admin = filterNamed(httpFilters(cfg, "admin"), "envoy.filters.http.jwt_authn")["rules"];
  EXPECT_EQ(admin, json::parse(R"([
    {"match": {"prefix": "/public"}, "requires": {"requires_any": {"requirements": [{"provider_name": "idp"}, {"allow_missing": {}}]}}},
    {"match": {"prefix": "/"}, "requires": {"provider_name": "partner"}},
    {"match": {"prefix": "/"}, "requires": {"requires_any": {"requirements": [{"provider_name": "idp"}, {"provider_name": "partner"}]}}}])"));
}

TEST(EndUserAuthTest, RequiredClaimsAreCheckedWhereATokenIsRequired) {
  json rbac = filterNamed(httpFilters(renderAuth(authService()), "http"), "envoy.filters.http.rbac")["rules"];
  ASSERT_EQ(rbac["action"], "ALLOW");
  const json& policies = rbac["policies"];
  ASSERT_EQ(policies.size(), 2u) << "the claims once per port, whatever the number of rules";
  // Exempt (/healthz) and AllowMissing (/public but not /healthz): the caller only.
  const json& optional = policies["token-optional-paths"];
  const json& paths = optional["permissions"][0]["or_rules"]["rules"];
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], json::parse(R"({"url_path": {"path": {"prefix": "/healthz"}}})"));
  EXPECT_EQ(paths[1]["and_rules"]["rules"][0]["url_path"]["path"]["prefix"], "/public");
  EXPECT_EQ(paths[1]["and_rules"]["rules"][1]["not_rule"]["or_rules"]["rules"][0]["url_path"]["path"]["prefix"],
            "/healthz");
  EXPECT_EQ(optional["principals"][0]["authenticated"]["principal_name"]["exact"],
            "spiffe://cluster.local/ns/payments/sa/payment");
  // Every other path: the caller and every value of the claim, from either provider.
  const json& require = policies["token-required-paths"];
  EXPECT_EQ(require["permissions"][0]["not_rule"], optional["permissions"][0]);
  const json& both = require["principals"][0]["and_ids"]["ids"];
  ASSERT_EQ(both.size(), 2u);
  EXPECT_TRUE(both[0].contains("authenticated"));
  const json& values = both[1]["and_ids"]["ids"];
  ASSERT_EQ(values.size(), 2u) << "payments:write and a.b";
  const json& by_provider = values[0]["or_ids"]["ids"];
  ASSERT_EQ(by_provider.size(), 2u);
  const json& as = by_provider[0]["or_ids"]["ids"];
  EXPECT_EQ(as[0]["metadata"]["filter"], "envoy.filters.http.jwt_authn");
  EXPECT_EQ(as[0]["metadata"]["path"], json::parse(R"([{"key": "idp"}, {"key": "scope"}])"));
  EXPECT_EQ(as[0]["metadata"]["value"]["list_match"]["one_of"]["string_match"]["exact"], "payments:write");
  EXPECT_EQ(as[1]["metadata"]["value"]["string_match"]["safe_regex"]["regex"], "(.* )?payments:write( .*)?");
  EXPECT_EQ(
      values[1]["or_ids"]["ids"][0]["or_ids"]["ids"][1]["metadata"]["value"]["string_match"]["safe_regex"]["regex"],
      "(.* )?a\\.b( .*)?");
}

TEST(EndUserAuthTest, ATcpPortChecksNoTokenButStillItsCallers) {
  auto cfg = renderAuth(authService());
  json lds = testing::file(cfg, "lds.yaml");
  for (const auto& chain : lds["resources"][0]["filter_chains"]) {
    if (chain["name"] != "inbound|db") continue;
    ASSERT_EQ(chain["filters"].size(), 2u);
    EXPECT_EQ(chain["filters"][0]["name"], "envoy.filters.network.rbac");
    EXPECT_TRUE(chain["filters"][0]["typed_config"]["rules"]["policies"].contains("allowed-callers"));
    return;
  }
  ADD_FAILURE() << "no db chain";
}

TEST(EndUserAuthTest, ARemoteJwksHasItsOwnVerifiedHttpsCluster) {
  auto cfg = renderAuth(authService());
  json jwks, cds = testing::file(cfg, "cds.yaml");
  for (const auto& c : cds["resources"])
    if (c["name"] == "jwks|partner") jwks = c;
  ASSERT_FALSE(jwks.is_null());
  EXPECT_EQ(jwks["type"], "STRICT_DNS");
  EXPECT_EQ(jwks["connect_timeout"], "2s");
  const json& addr =
      jwks["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"];
  EXPECT_EQ(addr["address"], "partner.internal");
  EXPECT_EQ(addr["port_value"], 8443);
  const json& tls = jwks["transport_socket"]["typed_config"];
  EXPECT_EQ(tls["sni"], "partner.internal");
  EXPECT_EQ(tls["common_tls_context"]["validation_context"]["trusted_ca"]["filename"], kPublicCaBundle);
  EXPECT_EQ(tls["common_tls_context"]["validation_context"]["match_typed_subject_alt_names"][0]["matcher"]["exact"],
            "partner.internal");
  EXPECT_EQ(reloadProblems(cfg.files), std::vector<std::string>{}) << "right for the pod's whole life";
}

TEST(EndUserAuthTest, ALocalProviderWithoutKeysDoesNotRender) {
  auto svc = authService();
  RenderInputs in;
  in.self = &svc;
  in.mesh = &testing::defaultMesh();
  auto cfg = renderSidecarConfig(in);
  ASSERT_FALSE(cfg.isOk());
  EXPECT_NE(cfg.status().message().find("provider idp: no JWKS from ConfigMap idp-jwks"), std::string::npos);
}

}  // namespace
}  // namespace paymesh::policy
