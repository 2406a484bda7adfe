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

// The endpoints of a service among pods: model::endpointsFromPods (model/endpoints.h).

}  // namespace paymesh::ctrl
