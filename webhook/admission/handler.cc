#include "webhook/admission/handler.h"

namespace paymesh::webhook {

HandledAdmission handleAdmission(const AdmissionRequest& request, const InjectConfig& config) {
  HandledAdmission out;
  out.response.uid = request.uid;
  if (request.operation != "CREATE") return out;
  inject::Outcome o =
      inject::admitPod(request.object, request.ns, *config.services, *config.mesh, inject::Produce::kPatch);
  out.verdict = o.verdict;
  out.response.warnings = std::move(o.warnings);
  if (o.verdict == inject::Verdict::kRefuse) {
    out.response.allowed = false;
    out.response.code = 403;
    out.response.message = std::move(o.message);
  } else if (o.verdict == inject::Verdict::kInject) {
    out.response.patch = std::move(o.patch);
  }
  return out;
}

}  // namespace paymesh::webhook
