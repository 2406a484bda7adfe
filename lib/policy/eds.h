#pragma once
// Endpoint files: one DiscoveryResponse with a ClusterLoadAssignment per EDS cluster,
// so an endpoint change rewrites only its own file. Written as compact JSON, one
// endpoint per line: half the size of YAML, and cheap to produce for thousands. A
// service whose JSON would not fit in a ConfigMap gets binary protobuf instead
// (eds-<name>.pb, which Envoy reads by its extension): about 50 bytes an endpoint
// against about 130, so about 20,000 endpoints fit in one ConfigMap rather than 8,000.

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
// The same DiscoveryResponse in protobuf's binary encoding.
std::string endpointsFileBinary(const model::PaymentService& target,
                                const std::vector<model::ServiceEndpoint>& endpoints, const model::MeshConfig& mesh);

// The endpoint file a service's callers carry: its name (policy::edsFile or
// edsBinaryFile) and content, JSON unless that is over policy::kMaxConfigMapDataBytes.
struct EndpointsFile {
  std::string name;
  std::string content;
};
EndpointsFile endpointsFileFor(const model::PaymentService& target,
                               const std::vector<model::ServiceEndpoint>& endpoints, const model::MeshConfig& mesh);

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
