#pragma once
// The discovery ring of a PaymentService over its ready endpoints: what its callers'
// sidecars build (MAGLEV or RING_HASH over the same endpoints, keyed by pod name), so
// that ring.json says exactly which pod a payment id reaches.

#include <optional>
#include <vector>

#include "base/status.h"
#include "model/endpoints.h"
#include "model/payment_service.h"
#include "ring/ring.h"

namespace paymesh::policy {

// The ring parameters of a service, in the ring library's terms.
ring::RingSpec ringSpec(const model::PaymentService& service);

// The ring endpoints: every ready endpoint keyed by pod name. Weights are 1, as in the
// endpoint files: Envoy sees load_balancing_weight only under WeightedRoundRobin.
std::vector<ring::Endpoint> ringEndpoints(const std::vector<model::ServiceEndpoint>& ready);

// nullopt when the service does not balance by consistent hash or has no endpoint.
Result<std::optional<ring::Ring>> serviceRing(const model::PaymentService& service,
                                              const std::vector<model::ServiceEndpoint>& endpoints);

}  // namespace paymesh::policy
