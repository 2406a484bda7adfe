#pragma once
// Render inputs from the operator's caches, built the way `paymeshctl render` builds them
// from files (policy::collectInputs): the endpoints of a service are its namespace's pods
// that match its selector, Ready ones only; the services are every PaymentService of the
// namespace. Pure: objects in, values out.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/endpoints.h"
#include "model/payment_service.h"

namespace paymesh::ctrl {

using ServicePtr = std::shared_ptr<const model::PaymentService>;

// The services whose endpoints a service's sidecar config reads: itself, its
// dependencies and their fallbacks (those found in `services`).
std::vector<std::string> endpointServices(const model::PaymentService& self,
                                          const std::map<std::string, const model::PaymentService*>& services);

struct PodEndpoints {
  std::vector<model::ServiceEndpoint> endpoints;  // pods with an IP (Ready or not)
  std::vector<std::string> errors;                // "ns/pod: message" for malformed pods
};

// The endpoints of `service` among `pods`: same namespace, labels matching its selector.
PodEndpoints endpointsFromPods(const model::PaymentService& service, const std::vector<const nlohmann::json*>& pods);

}  // namespace paymesh::ctrl
