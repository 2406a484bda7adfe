#include "policy/listeners.h"

#include "base/duration.h"
#include "policy/end_user_auth.h"
#include "policy/inbound_rbac.h"
#include "policy/names.h"
#include "policy/rate_limit.h"
#include "policy/tls_context.h"

namespace paymesh::policy {

using model::PaymentService;
using model::Protocol;

namespace {

Json routerFilter() {
  return {{"name", "envoy.filters.http.router"},
          {"typed_config", {{"@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}}};
}

// Removes every request header with which a client could set Envoy's retries or
// timeouts for its own request, before routing and before any filter runs.
Json stripControlHeaders() {
  Json mutations = Json::array();
  for (const char* h : kRetryAndTimeoutHeaders) mutations.push_back({{"remove", h}});
  return Json::array(
      {{{"name", "envoy.http.early_header_mutation.header_mutation"},
        {"typed_config",
         {{"@type",
           "type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation"},
          {"mutations", mutations}}}}});
}

Json httpConnectionManager(const std::string& stat_prefix, Json route_config, Json http_filters) {
  http_filters.push_back(routerFilter());
  return {{"name", "envoy.filters.network.http_connection_manager"},
          {"typed_config",
           {{"@type",
             "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"},
            {"stat_prefix", stat_prefix},
            {"codec_type", "AUTO"},
            {"early_header_mutation_extensions", stripControlHeaders()},
            {"route_config", std::move(route_config)},
            {"http_filters", std::move(http_filters)}}}};
}

Json tcpProxy(const std::string& stat_prefix, const std::string& cluster) {
  return {{"name", "envoy.filters.network.tcp_proxy"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"},
            {"stat_prefix", stat_prefix},
            {"cluster", cluster}}}};
}

Json socketAddress(const std::string& ip, int32_t port) {
  return {{"socket_address", {{"address", ip}, {"port_value", port}}}};
}

// What the filters of every inbound port share.
struct InboundContext {
  CallerIdentities callers;
  const LocalJwks& jwks;
};

Json inboundRouteConfig(const PaymentService& self, const model::Port& port, const InboundContext& ctx) {
  // The caller's sidecar enforces the request timeout; inbound lets it run that long.
  Json action = {{"cluster", inboundCluster(port.name)},
                 {"timeout", formatProtoDuration(self.spec.resilience.timeout)}};
  Json limits = perCallerRateLimits(self, ctx.callers);
  if (!limits.empty()) action["rate_limits"] = limits;
  return {
      {"name", inboundCluster(port.name)},
      {"virtual_hosts", Json::array({{{"name", inboundCluster(port.name)},
                                      {"domains", Json::array({"*"})},
                                      {"routes", Json::array({{{"match", {{"prefix", "/"}}}, {"route", action}}})}}})}};
}

// In order: the rate limit (a flood is refused before any signature is checked), the
// end user's token, then who may call (by certificate and by claims), then the router.
Result<Json> inboundFilters(const PaymentService& self, const model::Port& port, const InboundContext& ctx) {
  std::string stat = "inbound_" + port.name;
  Json rules = rbacRules(self, port, ctx.callers);
  const bool limited = self.spec.resilience.rate_limit.has_value();
  if (port.protocol == Protocol::kTcp) {
    Json filters = Json::array();
    if (limited) filters.push_back(tcpRateLimitFilter(self, port));
    if (!rules.is_null()) {
      filters.push_back({{"name", "envoy.filters.network.rbac"},
                         {"typed_config",
                          {{"@type", "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC"},
                           {"stat_prefix", stat + "_rbac"},
                           {"rules", rules}}}});
    }
    filters.push_back(tcpProxy(stat, inboundCluster(port.name)));
    return filters;
  }
  Json http_filters = Json::array();
  if (limited) http_filters.push_back(httpRateLimitFilter(self, port));
  if (self.spec.jwt) {
    ASSIGN_OR_RETURN(Json jwt, jwtAuthnFilter(self, port, ctx.jwks));
    http_filters.push_back(std::move(jwt));
  }
  if (!rules.is_null()) {
    http_filters.push_back(
        {{"name", "envoy.filters.http.rbac"},
         {"typed_config",
          {{"@type", "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"}, {"rules", rules}}}});
  }
  Json hcm = httpConnectionManager(stat, inboundRouteConfig(self, port, ctx), http_filters);
  if (needsClientCertHeader(self)) {
    // Set from the verified client certificate, whatever the client sent.
    hcm["typed_config"]["forward_client_cert_details"] = "SANITIZE_SET";
    hcm["typed_config"]["set_current_client_cert_details"] = {{"uri", true}};
  }
  return Json::array({hcm});
}

std::string retryOn(const model::Retry& retry) {
  std::string out;
  for (const auto& r : retry.retry_on) out += (out.empty() ? "" : ",") + r;
  return out;
}

Json hashPolicies(const PaymentService& target) {
  Json out = Json::array();
  if (target.spec.lb_policy != model::LbPolicy::kConsistentHash) return out;
  const auto& hk = target.spec.hash_key;
  switch (hk.kind) {
    case model::HashKeyKind::kHeader: out.push_back({{"header", {{"header_name", hk.header}}}}); break;
    case model::HashKeyKind::kCookie: {
      Json cookie = {{"name", hk.cookie_name}};
      if (hk.cookie_ttl) cookie["ttl"] = formatProtoDuration(*hk.cookie_ttl);
      out.push_back({{"cookie", cookie}});
      break;
    }
    case model::HashKeyKind::kSourceIp: out.push_back({{"connection_properties", {{"source_ip", true}}}}); break;
  }
  return out;
}

Json route(const PaymentService& target, Json match, bool with_retries) {
  const auto& res = target.spec.resilience;
  Json r = {{"cluster", outboundCluster(target.metadata.name)}, {"timeout", formatProtoDuration(res.timeout)}};
  if (with_retries) {
    Json policy = {{"retry_on", retryOn(res.retry)}, {"num_retries", res.retry.attempts}};
    if (res.retry.per_try_timeout) policy["per_try_timeout"] = formatProtoDuration(*res.retry.per_try_timeout);
    policy["retry_back_off"] = {{"base_interval", formatProtoDuration(res.retry.backoff_base)},
                                {"max_interval", formatProtoDuration(res.retry.backoff_max)}};
    // A retry goes to a pod not tried yet: without this a consistent-hash route would
    // send every retry to the same failing pod. Each attempt may re-pick up to
    // kHostSelectionAttempts times before taking a pod already tried.
    policy["retry_host_predicate"] = Json::array(
        {{{"name", "envoy.retry_host_predicates.previous_hosts"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"}}}}});
    policy["host_selection_retry_max_attempts"] = kHostSelectionAttempts;
    r["retry_policy"] = policy;
  } else {
    r["retry_policy"] = {{"num_retries", 0}};
  }
  Json hp = hashPolicies(target);
  if (!hp.empty()) r["hash_policy"] = hp;
  return {{"match", std::move(match)}, {"route", std::move(r)}};
}

}  // namespace

Json outboundRoutes(const PaymentService& target, const model::MeshConfig& mesh) {
  const auto& retry = target.spec.resilience.retry;
  Json routes = Json::array();
  if (retry.attempts > 0 && retry.require_idempotency_key) {
    // Only a request that carries an idempotency key may be retried: a payment without
    // one is sent once, whatever fails.
    routes.push_back(route(
        target,
        {{"prefix", "/"}, {"headers", Json::array({{{"name", mesh.idempotency_header}, {"present_match", true}}})}},
        true));
    routes.push_back(route(target, {{"prefix", "/"}}, false));
  } else {
    routes.push_back(route(target, {{"prefix", "/"}}, retry.attempts > 0));
  }
  return routes;
}

Json outboundListener(const PaymentService& target, int32_t local_port, const model::MeshConfig& mesh) {
  const std::string name = outboundCluster(target.metadata.name);
  const model::Port& port = target.spec.ports.front();
  Json filters;
  if (port.protocol == Protocol::kTcp) {
    Json proxy = tcpProxy("outbound_" + target.metadata.name, name);
    // Retrying a connect is safe: no byte of the payment has been sent yet.
    proxy["typed_config"]["max_connect_attempts"] = target.spec.resilience.retry.attempts + 1;
    if (target.spec.lb_policy == model::LbPolicy::kConsistentHash &&
        target.spec.hash_key.kind == model::HashKeyKind::kSourceIp) {
      proxy["typed_config"]["hash_policy"] = Json::array({{{"source_ip", Json::object()}}});
    }
    filters = Json::array({proxy});
  } else {
    Json route_config = {{"name", name},
                         {"virtual_hosts", Json::array({{{"name", target.metadata.name},
                                                         {"domains", Json::array({"*"})},
                                                         {"routes", outboundRoutes(target, mesh)}}})}};
    filters = Json::array({httpConnectionManager("outbound_" + target.metadata.name, route_config, Json::array())});
  }
  return {{"@type", "type.googleapis.com/envoy.config.listener.v3.Listener"},
          {"name", name},
          {"address", socketAddress("127.0.0.1", local_port)},
          {"filter_chains", Json::array({{{"filters", filters}}})}};
}

Result<Json> inboundListener(const PaymentService& self, const std::map<std::string, std::string>& caller_accounts,
                             const LocalJwks& jwks, const model::MeshConfig& mesh) {
  InboundContext ctx{callerIdentities(self, caller_accounts, mesh), jwks};
  Json chains = Json::array();
  for (const auto& port : self.spec.ports) {
    ASSIGN_OR_RETURN(Json filters, inboundFilters(self, port, ctx));
    chains.push_back(
        {{"name", inboundCluster(port.name)},
         {"filter_chain_match",
          {{"server_names", Json::array({portSni(port.name, self.metadata.name, self.metadata.namespace_)})},
           {"transport_protocol", "tls"}}},
         {"filters", std::move(filters)},
         {"transport_socket", downstreamTlsSocket(mesh.trust_domain, true)}});
  }
  if (self.spec.tls.mode == model::TlsMode::kPermissive) {
    // Plain text reaches the first port; with allowedCallers set it is refused, as a
    // plain-text caller has no identity to check.
    ASSIGN_OR_RETURN(Json filters, inboundFilters(self, self.spec.ports.front(), ctx));
    chains.push_back({{"name", "inbound|plaintext"},
                      {"filter_chain_match", {{"transport_protocol", "raw_buffer"}}},
                      {"filters", std::move(filters)}});
  }
  return Json{
      {"@type", "type.googleapis.com/envoy.config.listener.v3.Listener"},
      {"name", "inbound"},
      {"address", socketAddress("0.0.0.0", mesh.inbound_port)},
      {"listener_filters",
       Json::array(
           {{{"name", "envoy.filters.listener.tls_inspector"},
             {"typed_config",
              {{"@type", "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"}}}}})},
      {"filter_chains", chains}};
}

}  // namespace paymesh::policy
