#include "operator/desired/render_inputs.h"

#include <algorithm>

namespace paymesh::ctrl {

std::vector<std::string> endpointServices(const model::PaymentService& self,
                                          const std::map<std::string, const model::PaymentService*>& services) {
  std::vector<std::string> out = {self.metadata.name};
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto& dep : self.spec.dependencies) {
    auto it = services.find(dep.name);
    if (it == services.end()) continue;
    add(dep.name);
    if (const auto& fb = it->second->spec.resilience.fallback_service; fb && services.count(*fb)) add(*fb);
  }
  return out;
}

PodEndpoints endpointsFromPods(const model::PaymentService& service, const std::vector<const nlohmann::json*>& pods) {
  PodEndpoints out;
  for (const auto* pod : pods) {
    const auto& meta = pod->value("metadata", nlohmann::json::object());
    if (meta.value("namespace", "default") != service.metadata.namespace_) continue;
    if (!model::selectorMatches(service.spec.selector, meta.value("labels", nlohmann::json::object()))) continue;
    auto ep = model::endpointFromPod(*pod);
    if (!ep.isOk()) {
      out.errors.push_back(meta.value("namespace", "") + "/" + meta.value("name", "") + ": " + ep.status().message());
      continue;
    }
    if (ep->has_value()) out.endpoints.push_back(**ep);
  }
  return out;
}

}  // namespace paymesh::ctrl
