#pragma once
// Endpoint files: one DiscoveryResponse with a ClusterLoadAssignment per EDS cluster,
// so an endpoint change rewrites only its own file. Written as compact JSON, one
// endpoint per line: half the size of YAML, and cheap to produce for thousands.

#include <cstdint>
#include <string>
#include <vector>

#include "model/endpoints.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

// Endpoints must be readyEndpoints(): ready, sorted, unique.
std::string endpointsFile(const model::PaymentService& target, const std::vector<model::ServiceEndpoint>& endpoints,
                          const model::MeshConfig& mesh);

// The overprovisioning factor of a primary's endpoints inside a fallback aggregate, in
// Envoy's unit (percent: 140 means 1.4). Envoy gives a priority min(100, factor x healthy
// / total) percent of the traffic; with factor = 100 x total, one healthy endpoint of any
// number keeps 100%, so the fallback takes traffic only when the primary has none left.
// Capped where one healthy endpoint in more than 42 million would round below 100%.
uint32_t primaryOverprovisioningFactor(size_t endpoints);
inline constexpr size_t kMaxOverprovisioningFactor = 4000000000u;

// The port callers connect to on a target's pods: the sidecar's inbound port, or the
// application's first port when the target runs without mTLS.
int32_t endpointPort(const model::PaymentService& target, const model::MeshConfig& mesh);

}  // namespace paymesh::policy
