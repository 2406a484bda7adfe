#pragma once
// Endpoint files: one DiscoveryResponse with a ClusterLoadAssignment per EDS cluster,
// so an endpoint change rewrites only its own file. Written as compact JSON, one
// endpoint per line: half the size of YAML, and cheap to produce for thousands.

#include <string>
#include <vector>

#include "model/endpoints.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

// Endpoints must be readyEndpoints(): ready, sorted, unique.
std::string endpointsFile(const model::PaymentService& target, const std::vector<model::ServiceEndpoint>& endpoints,
                          const model::MeshConfig& mesh);

// The port callers connect to on a target's pods: the sidecar's inbound port, or the
// application's first port when the target runs without mTLS.
int32_t endpointPort(const model::PaymentService& target, const model::MeshConfig& mesh);

}  // namespace paymesh::policy
