#pragma once
// The injection core as both entry points use it (the webhook on an AdmissionReview,
// `paymeshctl inject` on a manifest): a pod, its namespace, the PaymentServices of that
// namespace and the mesh config in; the decision, the pod to store and the JSON Patch out.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inject/decision.h"
#include "inject/selection.h"
#include "model/mesh_config.h"

namespace paymesh::inject {

// What the caller needs: the webhook answers with the patch alone; `paymeshctl inject`
// prints the pod.
enum class Produce { kPatchAndPod, kPatch };

struct Outcome {
  Verdict verdict = Verdict::kSkip;
  std::string message;                // the refusal message, or why the pod was skipped
  std::vector<std::string> warnings;  // for the AdmissionResponse
  std::string service;                // the injecting service's name (kInject)
  nlohmann::json pod;                 // kPatchAndPod: for kInject the injected pod, otherwise the pod as given
  nlohmann::json patch = nlohmann::json::array();  // kInject: RFC 6902 from the given pod
};

// A pod that cannot be read (labels not a map, containers not a list, ...) is refused with
// the field at fault. metadata.managedFields is kept as it is and never in the patch.
Outcome admitPod(const nlohmann::json& pod, const std::string& ns, const std::vector<ServiceEntry>& services,
                 const model::MeshConfig& mesh, Produce produce = Produce::kPatchAndPod);

}  // namespace paymesh::inject
