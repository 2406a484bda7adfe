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

}  // namespace paymesh::ctrl
