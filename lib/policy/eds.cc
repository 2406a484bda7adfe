#include "policy/eds.h"

#include "policy/cluster.h"

namespace paymesh::policy {

int32_t endpointPort(const model::PaymentService& target, const model::MeshConfig& mesh) {
  return target.spec.tls.mode == model::TlsMode::kDisable ? target.spec.ports.front().port : mesh.inbound_port;
}

Json endpointsResponse(const model::PaymentService& target, const std::vector<model::ServiceEndpoint>& endpoints,
                       const model::MeshConfig& mesh) {
  int32_t port = endpointPort(target, mesh);
  Json lb_endpoints = Json::array();
  for (const auto& ep : endpoints) {
    Json e = {{"endpoint",
               {{"address", {{"socket_address", {{"address", ep.ip}, {"port_value", port}}}}},
                {"hostname", ep.pod_name}}}};
    // The pod name is the hash key, so a pod that restarts with a new IP keeps its
    // place on the ring.
    if (carriesHashKeys(target)) e["metadata"] = {{"filter_metadata", {{"envoy.lb", {{"hash_key", ep.pod_name}}}}}};
    if (carriesWeights(target)) e["load_balancing_weight"] = ep.weight;
    lb_endpoints.push_back(std::move(e));
  }
  Json assignment = {{"@type", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"},
                     {"cluster_name", edsClusterName(target)},
                     {"endpoints", lb_endpoints.empty() ? Json::array() : Json::array({{{"lb_endpoints", lb_endpoints}}})}};
  return {{"resources", Json::array({assignment})}};
}

}  // namespace paymesh::policy
