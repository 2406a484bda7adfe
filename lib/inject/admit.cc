#include "inject/admit.h"

#include "inject/inject.h"
#include "inject/injection_patch.h"
#include "inject/pod.h"
#include "inject/strip.h"

namespace paymesh::inject {
namespace {

using nlohmann::json;

Outcome refused(const json& pod, std::string message, Produce produce) {
  Outcome o;
  o.verdict = Verdict::kRefuse;
  o.message = std::move(message);
  if (produce == Produce::kPatchAndPod) o.pod = pod;
  return o;
}

// A pod that carries no injection gets the additions as its patch (no copy of the pod, no
// diff); one injected before is stripped and injected again on a copy, and the patch is
// the diff. metadata.managedFields is never touched, so it is never in the patch.
Status inject(const json& pod, const model::PaymentService& service, const model::MeshConfig& mesh, Produce produce,
              Outcome& o) {
  RETURN_IF_ERROR(checkInjectable(pod));
  if (!carriesInjection(pod)) {
    o.patch = injectionPatch(pod, service, mesh);
    if (produce == Produce::kPatchAndPod) (o.pod = pod).patch_inplace(o.patch);
    return Status::ok();
  }
  ASSIGN_OR_RETURN(json injected, injectPod(pod, service, mesh));
  o.patch = jsonPatch(pod, injected);
  if (produce == Produce::kPatchAndPod) o.pod = std::move(injected);
  return Status::ok();
}

}  // namespace

Outcome admitPod(const json& pod, const std::string& ns, const std::vector<ServiceEntry>& services,
                 const model::MeshConfig& mesh, Produce produce) {
  auto facts = readPodFacts(pod);
  if (!facts.isOk()) return refused(pod, "cannot read the pod: " + facts.status().message(), produce);
  Decision d = decide(ns, *facts, services, mesh);
  Outcome o;
  o.verdict = d.verdict;
  o.message = std::move(d.reason);
  o.warnings = std::move(d.warnings);
  if (d.verdict != Verdict::kInject) {
    if (produce == Produce::kPatchAndPod) o.pod = pod;
    return o;
  }
  o.service = d.service->name;
  if (Status s = inject(pod, *d.service->service, mesh, produce, o); !s.isOk())
    return refused(pod, "cannot inject pod " + facts->display_name + ": " + s.message(), produce);
  return o;
}

}  // namespace paymesh::inject
