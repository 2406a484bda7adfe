#include "policy/rate_limit.h"

namespace paymesh::policy {

using model::PaymentService;

namespace {

Json tokenBucket(const model::RateLimit& rl) {
  return {{"max_tokens", rl.burst}, {"tokens_per_fill", rl.requests_per_second}, {"fill_interval", "1s"}};
}

// The filter acts on every request: Envoy's default enables it for none.
Json everyRequest() { return {{"default_value", {{"numerator", 100}, {"denominator", "HUNDRED"}}}}; }

}  // namespace

bool needsClientCertHeader(const PaymentService& self) {
  return self.spec.resilience.rate_limit && self.spec.resilience.rate_limit->per_caller;
}

Json httpRateLimitFilter(const PaymentService& self, const model::Port& port) {
  const model::RateLimit& rl = *self.spec.resilience.rate_limit;
  Json config = {{"@type", "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit"},
                 {"stat_prefix", "inbound_" + port.name + "_rate_limit"},
                 {"token_bucket", tokenBucket(rl)},
                 {"filter_enabled", everyRequest()},
                 {"filter_enforced", everyRequest()},
                 // A token arrives every second: a rejected caller may try again after one.
                 {"response_headers_to_add", Json::array({{{"append_action", "OVERWRITE_IF_EXISTS_OR_ADD"},
                                                           {"header", {{"key", "retry-after"}, {"value", "1"}}}}})}};
  // A gRPC caller sees RESOURCE_EXHAUSTED rather than UNAVAILABLE, which its sidecar
  // would retry (retryOn: unavailable), sending the flood again.
  if (port.protocol == model::Protocol::kGrpc) config["rate_limited_as_resource_exhausted"] = true;
  if (rl.per_caller) {
    Json descriptors = Json::array();
    for (const auto& caller : self.spec.allowed_callers)
      descriptors.push_back({{"entries", Json::array({{{"key", kCallerDescriptor}, {"value", caller}}})},
                             {"token_bucket", tokenBucket(rl)}});
    config["descriptors"] = descriptors;
    // A known caller spends its own bucket only; the default one is for the others.
    config["always_consume_default_token_bucket"] = false;
  }
  return {{"name", "envoy.filters.http.local_ratelimit"}, {"typed_config", config}};
}

Json tcpRateLimitFilter(const PaymentService& self, const model::Port& port) {
  return {{"name", "envoy.filters.network.local_ratelimit"},
          {"typed_config",
           {{"@type", "type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit"},
            {"stat_prefix", "inbound_" + port.name + "_rate_limit"},
            {"token_bucket", tokenBucket(*self.spec.resilience.rate_limit)}}}};
}

Json perCallerRateLimits(const PaymentService& self, const CallerIdentities& callers) {
  Json out = Json::array();
  if (!needsClientCertHeader(self)) return out;
  for (const auto& caller : self.spec.allowed_callers) {
    // The header ends with the client certificate's URI SAN: ";URI=<spiffe id>".
    Json match = {{"name", kClientCertHeader}, {"string_match", {{"suffix", ";URI=" + callers.at(caller)}}}};
    out.push_back({{"actions", Json::array({{{"header_value_match",
                                              {{"descriptor_key", kCallerDescriptor},
                                               {"descriptor_value", caller},
                                               {"headers", Json::array({match})}}}}})}});
  }
  return out;
}

}  // namespace paymesh::policy
