#pragma once
// Undoing a previous injection, so that injecting an injected pod gives the same pod (as
// Istio's injector does): a re-invocation of the webhook, or a `kubectl apply` of an
// injected manifest, never doubles a container, a volume or an env var.

#include <nlohmann/json.hpp>

namespace paymesh::inject {

// Removes the sidecar (from containers and initContainers, whichever mode put it there),
// the two volumes (by their reserved names), the env vars and the fsGroup the
// `paymesh.io/injected` annotation records as added, and the annotation itself. Lists and
// maps left empty are removed. What the user set is kept, and so is the
// paymesh.io/service label (injection sets it again). A pod never injected is returned as is.
nlohmann::json stripInjection(nlohmann::json pod);

}  // namespace paymesh::inject
