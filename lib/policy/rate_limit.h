#pragma once
// spec.resilience.rateLimit on the inbound side: Envoy's local rate limit, a token bucket
// per sidecar (per pod). Requests over it are answered 429 with retry-after before any
// token is verified or the application is reached; on a TCP port the same bucket counts
// connections. With perCaller each allowed caller has a bucket of its own, keyed by the
// SPIFFE ID of its client certificate.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// The descriptor key of a per-caller bucket; its value is the caller's service name.
inline constexpr const char* kCallerDescriptor = "paymesh-caller";
// The header the inbound connection manager sets from the verified client certificate
// (x-forwarded-client-cert, sanitized: a client cannot set it); per-caller buckets read it.
inline constexpr const char* kClientCertHeader = "x-forwarded-client-cert";

// The caller's SPIFFE ID by caller name, for the buckets of allowedCallers.
using CallerIdentities = std::map<std::string, std::string>;

Json httpRateLimitFilter(const model::PaymentService& self, const model::Port& port);
Json tcpRateLimitFilter(const model::PaymentService& self, const model::Port& port);

// The route's rate_limits: one descriptor per allowed caller, produced when the request
// came from that caller's certificate. Empty unless perCaller.
Json perCallerRateLimits(const model::PaymentService& self, const CallerIdentities& callers);

// Whether the inbound connection manager must set x-forwarded-client-cert.
bool needsClientCertHeader(const model::PaymentService& self);

}  // namespace paymesh::policy
