#pragma once
// Who is injected, who is skipped, who is refused: one pure decision with its reason.
//
//   namespace kube-system, kube-public or the mesh's own (webhook.namespace)  skip, warning
//   pod annotation <injection.podAnnotation>: "false" (or 0, f, F, FALSE, False)  skip
//   that annotation with a value that is not a boolean                     refuse
//   spec.hostNetwork: true                                                 skip, warning
//   no PaymentService of the namespace selects the pod                     refuse (or, with
//                                                       injection.unselectedPods Admit: skip, warning)
//   more than one selects it                                               refuse, naming them all
//   the one that selects it is invalid                                     refuse, with its errors
//   exactly one, valid                                                     inject; a warning when
//                                            the pod's service account is not the service's identity
//
// The namespace itself is chosen before: the webhook is only called for namespaces the
// MutatingWebhookConfiguration's namespaceSelector matches, and `paymeshctl inject` is
// asked explicitly.

#include <string>
#include <vector>

#include "inject/pod.h"
#include "inject/selection.h"
#include "model/mesh_config.h"

namespace paymesh::inject {

enum class Verdict { kInject, kSkip, kRefuse };
const char* verdictName(Verdict v);  // "inject", "skip", "refuse"

struct Decision {
  Verdict verdict = Verdict::kSkip;
  std::string reason;                     // the refusal message, or why the pod is skipped
  std::vector<std::string> warnings;      // for the AdmissionResponse
  const ServiceEntry* service = nullptr;  // the selecting service, for kInject
};

Decision decide(const std::string& ns, const PodFacts& pod, const std::vector<ServiceEntry>& services,
                const model::MeshConfig& mesh);

}  // namespace paymesh::inject
