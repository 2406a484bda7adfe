#pragma once
// The webhook's decision on one admission request (layer 2 of three, after Istio's
// injector): what the request asks, the PaymentServices of its namespace and the mesh
// config in, the AdmissionResponse out. Pure: the caller supplies the cached services.

#include <memory>
#include <vector>

#include "inject/admit.h"
#include "model/mesh_config.h"
#include "webhook/admission/review.h"

namespace paymesh::webhook {

struct InjectConfig {
  const std::vector<inject::ServiceEntry>* services = nullptr;  // of the request's namespace
  const model::MeshConfig* mesh = nullptr;
};

struct HandledAdmission {
  AdmissionResponse response;
  inject::Verdict verdict = inject::Verdict::kSkip;
};

// Only CREATE is injected (what the MutatingWebhookConfiguration registers); another
// operation is allowed unchanged. A refusal is allowed: false with code 403.
HandledAdmission handleAdmission(const AdmissionRequest& request, const InjectConfig& config);

}  // namespace paymesh::webhook
