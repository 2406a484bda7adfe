#include "inject/inject.h"

#include "inject/injection_patch.h"
#include "inject/names.h"
#include "inject/pod.h"
#include "inject/strip.h"

namespace paymesh::inject {

const char* injectorVersion() { return PAYMESH_VERSION; }

Result<nlohmann::json> injectPod(const nlohmann::json& pod, const model::PaymentService& service,
                                 const model::MeshConfig& mesh) {
  RETURN_IF_ERROR(readPodFacts(pod).status());
  RETURN_IF_ERROR(checkInjectable(pod));
  nlohmann::json out = stripInjection(pod);
  out.patch_inplace(injectionPatch(out, service, mesh));
  return out;
}

nlohmann::json jsonPatch(const nlohmann::json& from, const nlohmann::json& to) {
  return nlohmann::json::diff(from, to);
}

}  // namespace paymesh::inject
