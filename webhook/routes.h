#pragma once
// The webhook's HTTPS endpoints (layer 1, thin): POST /inject takes an AdmissionReview,
// GET /healthz says the process serves, GET /readyz says the PaymentService cache has
// synced. Transport checks live here: method (405), Content-Type (415), the review's
// shape (400, see review.h); the decision is handleAdmission's.

#include <functional>
#include <memory>

#include "http/https_server.h"
#include "model/mesh_config.h"
#include "obs/webhook_metrics.h"
#include "webhook/service_cache.h"

namespace paymesh::webhook {

struct WebhookState {
  const ServiceCache* cache = nullptr;
  std::function<std::shared_ptr<const model::MeshConfig>()> mesh;  // the mesh config in force
  std::function<bool()> ready;
  obs::WebhookMetrics* metrics = nullptr;  // optional
};

http::Response route(const http::Request& request, const WebhookState& state);

}  // namespace paymesh::webhook
