#pragma once
// Envoy v3 clusters (envoy.config.cluster.v3.Cluster) for the services a sidecar calls:
// balancing, circuit breaking, outlier detection, upstream mTLS, fallback aggregates.

#include <nlohmann/json.hpp>
#include <string>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

using Json = nlohmann::ordered_json;

// Name of the EDS cluster that holds a service's own endpoints.
std::string edsClusterName(const model::PaymentService& target);

// The EDS cluster of `target`, balanced and protected by target's own policies.
Json serviceCluster(const model::PaymentService& target, const model::MeshConfig& mesh);

// "outbound|<target>": an aggregate that tries the target's endpoints first and the
// fallback's when none is healthy.
Json fallbackAggregateCluster(const model::PaymentService& target, const model::PaymentService& fallback);

// "inbound|<port>": the local application port.
Json inboundCluster(const model::Port& port);

// The envoy.lb metadata / weights rule: whether endpoints of `target` carry them.
bool carriesHashKeys(const model::PaymentService& target);
bool carriesWeights(const model::PaymentService& target);

}  // namespace paymesh::policy
