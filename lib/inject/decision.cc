#include "inject/decision.h"

#include <optional>
#include <set>

namespace paymesh::inject {
namespace {

Decision skip(std::string reason, bool warn) {
  Decision d;
  d.verdict = Verdict::kSkip;
  if (warn) d.warnings.push_back("paymesh: not injected: " + reason);
  d.reason = std::move(reason);
  return d;
}

Decision refuse(std::string reason) {
  Decision d;
  d.verdict = Verdict::kRefuse;
  d.reason = std::move(reason);
  return d;
}

// strconv.ParseBool's spellings, as Kubernetes tools read boolean annotations.
std::optional<bool> parseBool(const std::string& s) {
  static const std::set<std::string> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::set<std::string> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  if (kTrue.count(s)) return true;
  if (kFalse.count(s)) return false;
  return std::nullopt;
}

std::string where(const std::string& ns, const PodFacts& pod) {
  return "pod " + pod.display_name + " in namespace \"" + ns + "\" (labels: " + formatLabels(pod.labels) + ")";
}

Decision chooseService(const std::string& ns, const PodFacts& pod, const std::vector<ServiceEntry>& services,
                       const model::MeshConfig& mesh) {
  auto matched = selecting(services, pod.labels);
  if (matched.empty()) {
    std::string what = "no PaymentService selects " + where(ns, pod);
    if (mesh.injection.unselected_pods == model::MeshConfig::UnselectedPods::kAdmit) return skip(what, true);
    return refuse(what +
                  ": a pod that asked for the mesh does not run without it; create a PaymentService whose "
                  "spec.selector.matchLabels the pod carries, or opt the pod out with the annotation " +
                  mesh.injection.pod_annotation + ": \"false\"");
  }
  if (matched.size() > 1) {
    std::string names;
    for (const auto* s : matched) names += (names.empty() ? "" : ", ") + s->name;
    return refuse("PaymentServices " + names + " all select " + where(ns, pod) +
                  ": a pod belongs to exactly one service; narrow their spec.selector.matchLabels");
  }
  const ServiceEntry& entry = *matched[0];
  if (!entry.service)
    return refuse("PaymentService " + entry.name + " selects " + where(ns, pod) + " but is invalid: " + entry.error);
  Decision d;
  d.verdict = Verdict::kInject;
  d.service = &entry;
  d.reason = "selected by PaymentService " + entry.name;
  const std::string& identity = entry.service->spec.service_account;
  if (pod.service_account != identity) {
    d.warnings.push_back("paymesh: pod runs as service account \"" + pod.service_account + "\" but PaymentService " +
                         entry.name + " has the identity \"" + identity +
                         "\": its sidecar's certificate names spiffe://" + mesh.trust_domain + "/ns/" + ns + "/sa/" +
                         identity + "; set spec.serviceAccountName: " + identity);
  }
  return d;
}

}  // namespace

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::kInject: return "inject";
    case Verdict::kSkip: return "skip";
    case Verdict::kRefuse: return "refuse";
  }
  return "";
}

Decision decide(const std::string& ns, const PodFacts& pod, const std::vector<ServiceEntry>& services,
                const model::MeshConfig& mesh) {
  if (ns == "kube-system" || ns == "kube-public" || ns == mesh.webhook.namespace_)
    return skip("namespace \"" + ns + "\" is never injected", true);
  if (auto it = pod.annotations.find(mesh.injection.pod_annotation); it != pod.annotations.end()) {
    auto wanted = parseBool(it->second);
    if (!wanted)
      return refuse("annotation " + mesh.injection.pod_annotation + " of " + where(ns, pod) +
                    " must be \"true\" or \"false\", got \"" + it->second.substr(0, 64) + "\"");
    if (!*wanted) return skip("the pod opts out with " + mesh.injection.pod_annotation + ": \"false\"", false);
  }
  if (pod.host_network)
    return skip("pod " + pod.display_name + " uses the host's network (spec.hostNetwork), which a sidecar would share",
                true);
  return chooseService(ns, pod, services, mesh);
}

}  // namespace paymesh::inject
