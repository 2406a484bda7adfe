#pragma once
// Undoing a previous injection, so that injecting an injected pod gives the same pod (as
// Istio's injector does): a re-invocation of the webhook, or a `kubectl apply` of an
// injected manifest, never doubles a container, a volume or an env var.

#include <nlohmann/json.hpp>

namespace paymesh::inject {

// Removes the sidecar (from containers and initContainers, whichever mode put it there),
// the two volumes (by their reserved names), the env vars and the fsGroup the
// `paymesh.io/injected` annotation records as added, and the annotation itself. Lists and
// maps this leaves empty are removed; the ones it does not touch stay as they are. What
// the user set is kept, and so is the paymesh.io/service label (injection sets it again).
// A pod that does not carry an injection is returned as is.
nlohmann::json stripInjection(nlohmann::json pod);

// Whether the pod carries anything a previous injection adds: the sidecar container, one
// of the two volumes, or the paymesh.io/injected annotation. When it does not,
// stripInjection(pod) == pod.
bool carriesInjection(const nlohmann::json& pod);

}  // namespace paymesh::inject
