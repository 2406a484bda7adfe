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
    Outcome o = d.verdict == Verdict::kRefuse ? refused(pod, d.reason) : Outcome{};
    o.verdict = d.verdict;
    o.message = d.reason;
    o.warnings = d.warnings;
    o.pod = pod;
    return o;
  }
  // Istio drops managedFields too: it is never changed and can be most of the object.
  json work = pod;
  json managed;
  if (work.contains("metadata") && work["metadata"].is_object() && work["metadata"].contains("managedFields")) {
    managed = work["metadata"]["managedFields"];
    work["metadata"].erase("managedFields");
  }
  auto injected = injectPod(work, *d.service->service, mesh);
  if (!injected.isOk())
    return refused(pod, "cannot inject pod " + facts->display_name + ": " + injected.status().message());
  Outcome o;
  o.verdict = Verdict::kInject;
  o.message = d.reason;
  o.warnings = d.warnings;
  o.service = d.service->name;
  o.patch = jsonPatch(work, *injected);
  o.pod = std::move(*injected);
  if (!managed.is_null()) o.pod["metadata"]["managedFields"] = std::move(managed);
  return o;
}

}  // namespace paymesh::inject
