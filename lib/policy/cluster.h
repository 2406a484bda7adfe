#pragma once
// Envoy v3 clusters (envoy.config.cluster.v3.Cluster) for the services a sidecar calls:
// balancing, circuit breaking, outlier detection, upstream mTLS, fallback aggregates.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// Name of the EDS cluster that holds a service's own endpoints.
std::string edsClusterName(const model::PaymentService& target);

// The EDS cluster of `target`, balanced and protected by target's own policies, its
// endpoints read from `eds_file` in the ConfigMap mount (eds.h: endpointsFileFor).
Json serviceCluster(const model::PaymentService& target, const model::MeshConfig& mesh, const std::string& eds_file);

// "outbound|<target>": an aggregate over the EDS clusters of `members` in priority order
// (the target, then its fallback when it exists): the fallback's endpoints take traffic
// only when the target has no healthy endpoint. Breakers are the target's own.
Json fallbackAggregateCluster(const model::PaymentService& target,
                              const std::vector<const model::PaymentService*>& members);

// "inbound|<port>": the local application port, behind the breakers of `self`.
Json inboundCluster(const model::PaymentService& self, const model::Port& port);

// Whether endpoints of `target` carry load_balancing_weight.
bool carriesWeights(const model::PaymentService& target);

}  // namespace paymesh::policy
