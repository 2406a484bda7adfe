#include "inject/admit.h"

#include "inject/inject.h"
#include "inject/pod.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

Outcome refused(const json& pod, std::string message) {
  Outcome o;
  o.verdict = Verdict::kRefuse;
  o.message = std::move(message);
  o.pod = pod;
  return o;
}

}  // namespace

Outcome admitPod(const json& pod, const std::string& ns, const std::vector<ServiceEntry>& services,
                 const model::MeshConfig& mesh) {
  auto facts = readPodFacts(pod);
  if (!facts.isOk()) return refused(pod, "cannot read the pod: " + facts.status().message());
  Decision d = decide(ns, *facts, services, mesh);
  if (d.verdict != Verdict::kInject) {
    Outcome o;
    o.verdict = d.verdict;
    o.message = d.reason;
    o.warnings = d.warnings;
    o.pod = pod;
    return o;
  }
  // One copy: the injected pod is built from a copy of `pod`, and the patch is the diff of
  // the two. metadata.managedFields is copied along unchanged, so the diff, which compares
  // it equal, leaves it out of the patch.
  auto injected = injectPod(pod, *d.service->service, mesh);
  if (!injected.isOk())
    return refused(pod, "cannot inject pod " + facts->display_name + ": " + injected.status().message());
  Outcome o;
  o.verdict = Verdict::kInject;
  o.message = d.reason;
  o.warnings = d.warnings;
  o.service = d.service->name;
  o.patch = jsonPatch(pod, *injected);
  o.pod = std::move(*injected);
  return o;
}

}  // namespace paymesh::inject
