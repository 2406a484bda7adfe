#include "policy/eds.h"

#include <algorithm>

#include "base/hex.h"
#include "policy/cluster.h"
#include "policy/names.h"
#include "policy/proto_wire.h"

namespace paymesh::policy {
namespace {

constexpr const char* kLoadAssignmentType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

// A JSON string literal.
void appendQuoted(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00" + hexEncode(&c, 1);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

int32_t endpointPort(const model::PaymentService& target, const model::MeshConfig& mesh) {
  return target.spec.tls.mode == model::TlsMode::kDisable ? target.spec.ports.front().port : mesh.inbound_port;
}

std::string endpointsFile(const model::PaymentService& target, const std::vector<model::ServiceEndpoint>& endpoints,
                          const model::MeshConfig& mesh) {
  const std::string port = std::to_string(endpointPort(target, mesh));
  const bool weights = carriesWeights(target);
  std::string out;
  out.reserve(256 + endpoints.size() * 140);
  out += R"({"resources":[{"@type":")";
  out += kLoadAssignmentType;
  out += R"(","cluster_name":)";
  appendQuoted(out, edsClusterName(target));
  out += R"(,"endpoints":[)";
  if (!endpoints.empty()) out += "{\"lb_endpoints\":[\n";
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const auto& ep = endpoints[i];
    out += R"({"endpoint":{"address":{"socket_address":{"address":)";
    appendQuoted(out, ep.ip);
    // The hostname is the pod name: a consistent-hash cluster hashes it (see
    // serviceCluster), so a pod that restarts with a new IP keeps its place on the ring.
    out += R"(,"port_value":)" + port + R"(}},"hostname":)";
    appendQuoted(out, ep.pod_name);
    out += '}';
    if (weights) out += R"(,"load_balancing_weight":)" + std::to_string(ep.weight);
    out += i + 1 < endpoints.size() ? "},\n" : "}\n";
  }
  if (!endpoints.empty()) out += "]}";
  out += ']';
  if (target.spec.resilience.fallback_service) {
    out += R"(,"policy":{"overprovisioning_factor":)" +
           std::to_string(primaryOverprovisioningFactor(endpoints.size())) + '}';
  }
  out += "}]}\n";
  return out;
}

// Field numbers of Envoy's v3 API: envoy/service/discovery/v3/discovery.proto,
// envoy/config/endpoint/v3/endpoint.proto and endpoint_components.proto,
// envoy/config/core/v3/address.proto, google/protobuf/any.proto and wrappers.proto.
namespace {

// One LocalityLbEndpoints: every endpoint as an LbEndpoint.
std::string localityBinary(const std::vector<model::ServiceEndpoint>& endpoints, uint32_t port, bool weights) {
  std::string locality;
  locality.reserve(endpoints.size() * 56);
  std::string socket, address, endpoint, lb_endpoint, weight;  // reused: one allocation each
  for (const auto& ep : endpoints) {
    socket.clear();
    wire::appendBytesField(socket, 2, ep.ip);  // SocketAddress.address
    wire::appendVarintField(socket, 3, port);  // SocketAddress.port_value
    address.clear();
    wire::appendBytesField(address, 1, socket);  // Address.socket_address
    endpoint.clear();
    wire::appendBytesField(endpoint, 1, address);      // Endpoint.address
    wire::appendBytesField(endpoint, 3, ep.pod_name);  // Endpoint.hostname
    lb_endpoint.clear();
    wire::appendBytesField(lb_endpoint, 1, endpoint);  // LbEndpoint.endpoint
    if (weights) {
      weight.clear();
      wire::appendVarintField(weight, 1, ep.weight);   // UInt32Value.value
      wire::appendBytesField(lb_endpoint, 4, weight);  // LbEndpoint.load_balancing_weight
    }
    wire::appendBytesField(locality, 2, lb_endpoint);  // LocalityLbEndpoints.lb_endpoints
  }
  return locality;
}

}  // namespace

std::string endpointsFileBinary(const model::PaymentService& target,
                                const std::vector<model::ServiceEndpoint>& endpoints, const model::MeshConfig& mesh) {
  std::string assignment;                                         // ClusterLoadAssignment
  wire::appendBytesField(assignment, 1, edsClusterName(target));  // cluster_name
  if (!endpoints.empty()) {
    const auto port = static_cast<uint32_t>(endpointPort(target, mesh));
    wire::appendBytesField(assignment, 2, localityBinary(endpoints, port, carriesWeights(target)));  // endpoints
  }
  if (target.spec.resilience.fallback_service) {
    std::string factor, policy;
    wire::appendVarintField(factor, 1, primaryOverprovisioningFactor(endpoints.size()));  // UInt32Value.value
    wire::appendBytesField(policy, 3, factor);      // Policy.overprovisioning_factor
    wire::appendBytesField(assignment, 4, policy);  // policy
  }
  std::string any;
  wire::appendBytesField(any, 1, kLoadAssignmentType);  // Any.type_url
  wire::appendBytesField(any, 2, assignment);           // Any.value
  std::string response;                                 // DiscoveryResponse
  wire::appendBytesField(response, 2, any);             // resources
  return response;
}

EndpointsFile endpointsFileFor(const model::PaymentService& target,
                               const std::vector<model::ServiceEndpoint>& endpoints, const model::MeshConfig& mesh) {
  std::string json = endpointsFile(target, endpoints, mesh);
  if (json.size() <= kMaxConfigMapDataBytes) return {edsFile(target.metadata.name), std::move(json)};
  return {edsBinaryFile(target.metadata.name), endpointsFileBinary(target, endpoints, mesh)};
}

uint32_t primaryOverprovisioningFactor(size_t endpoints) {
  return static_cast<uint32_t>(std::min<size_t>(100 * std::max<size_t>(endpoints, 1), kMaxOverprovisioningFactor));
}

}  // namespace paymesh::policy
