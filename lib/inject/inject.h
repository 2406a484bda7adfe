#pragma once
// Injection of one pod for its PaymentService: the mutated pod, and the RFC 6902 JSON
// Patch from the pod as given to it. Pure; idempotent: injecting an injected pod (for the
// same service and mesh config) gives the same pod.

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "model/mesh_config.h"
#include "model/payment_service.h"

namespace paymesh::inject {

// Strips any previous injection, then applies injectionPatch (injection_patch.h): the
// sidecar (first init container in Native mode, last container in Classic mode), the
// config and TLS volumes, PAYMESH_*_ADDR env to every app container (and, in Native mode,
// to the init containers, which start after the sidecar) without replacing a variable the
// user set, fsGroup = the sidecar's group when the pod sets none, the label
// paymesh.io/service=<svc> and the paymesh.io/injected annotation. Fails (InvalidArgument,
// naming the field) when the pod is not injectable (see checkInjectable).
Result<nlohmann::json> injectPod(const nlohmann::json& pod, const model::PaymentService& service,
                                 const model::MeshConfig& mesh);

// The RFC 6902 patch that turns `from` into `to`; keys in paths escaped per RFC 6901
// ("~" as "~0", "/" as "~1").
nlohmann::json jsonPatch(const nlohmann::json& from, const nlohmann::json& to);

}  // namespace paymesh::inject
