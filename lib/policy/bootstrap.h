#pragma once
// The Envoy bootstrap (envoy.yaml): node identity, admin on 127.0.0.1 only, readiness
// and Prometheus endpoints, and listeners/clusters read from the ConfigMap's files.

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::policy {

nlohmann::ordered_json bootstrap(const model::PaymentService& self, const model::MeshConfig& mesh);

}  // namespace paymesh::policy
