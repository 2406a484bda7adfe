#pragma once
// What injection adds to a pod that carries no previous injection, as the RFC 6902 patch
// of additions itself: the one description of an injection that both the injected pod
// (the patch applied) and the webhook's answer (the patch sent) come from. Building the
// patch from the additions, instead of diffing a copy of the pod, keeps a review's cost
// proportional to what is added rather than to the size of the pod.

#include <nlohmann/json.hpp>

#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::inject {

// Preconditions: readPodFacts and checkInjectable accept `pod`, and carriesInjection(pod)
// is false (strip it first). Every operation is an "add"; array positions refer to the pod
// as it is when the operation applies, in order. Keys are escaped per RFC 6901.
nlohmann::json injectionPatch(const nlohmann::json& pod, const model::PaymentService& service,
                              const model::MeshConfig& mesh);

}  // namespace paymesh::inject
