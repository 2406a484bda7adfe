#pragma once
// Envoy v3 listeners: the inbound mTLS listener in front of the application, and one
// outbound listener on 127.0.0.1 per dependency, with routes that carry timeouts,
// retries (only where safe for payments) and hash policies.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "model/mesh_config.h"
#include "model/payment_service.h"
#include "policy/end_user_auth.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// Request headers Envoy's router acts on to change a request's retries or timeouts
// (x-envoy-max-retries, x-envoy-retry-on, ...). Every HTTP connection manager removes
// them before routing, so only the rendered policy decides: an application cannot turn
// retries back on for a payment without an idempotency key.
inline constexpr const char* kRetryAndTimeoutHeaders[] = {
    "x-envoy-max-retries",
    "x-envoy-retry-on",
    "x-envoy-retry-grpc-on",
    "x-envoy-retriable-status-codes",
    "x-envoy-retriable-header-names",
    "x-envoy-hedge-on-per-try-timeout",
    "x-envoy-upstream-rq-timeout-ms",
    "x-envoy-upstream-rq-per-try-timeout-ms",
    "x-envoy-upstream-rq-timeout-alt-response",
    "x-envoy-upstream-stream-duration-ms",
};

// How many times a retry re-picks a pod when the one picked was tried already.
inline constexpr int kHostSelectionAttempts = 5;

// `callers` maps PaymentService names to their service accounts, to name the SPIFFE
// identities allowed in; a caller not in the map is assumed to use its own name.
// `jwks` holds the JWKS of every provider with a local source (see end_user_auth.h).
Result<Json> inboundListener(const model::PaymentService& self,
                             const std::map<std::string, std::string>& caller_accounts, const LocalJwks& jwks,
                             const model::MeshConfig& mesh);

// The listener the application reaches `target` through at 127.0.0.1:`local_port`.
Json outboundListener(const model::PaymentService& target, int32_t local_port, const model::MeshConfig& mesh);

// The retry policy and routes for `target`, exposed for tests.
Json outboundRoutes(const model::PaymentService& target, const model::MeshConfig& mesh);

}  // namespace paymesh::policy
