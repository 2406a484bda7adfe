#include "policy/manifest_inputs.h"

namespace paymesh::policy {

using nlohmann::json;

ManifestInputs collectInputs(const std::vector<model::Manifest>& manifests) {
  ManifestInputs out;
  std::vector<const model::Manifest*> pods, slices;
  for (const auto& m : manifests) {
    std::string ns = m.namespaceOr("default");
    std::string where = ns + "/" + (m.name().size() > 80 ? m.name().substr(0, 80) + "..." : m.name());
    if (m.kind() == model::kKind) {
      auto r = model::parsePaymentService(m.doc.value);
      if (!r.errors.empty()) {
        for (const auto& e : r.errors) out.errors.push_back({m.file, m.lineOf(e.path), where, model::toString(e)});
        continue;
      }
      auto& space = out.namespaces[ns];
      std::string name = r.object->metadata.name;
      if (space.services.count(name)) {
        out.errors.push_back(
            {m.file, m.doc.line, where, "PaymentService defined twice (first at " + space.service_files[name] + ")"});
        continue;
      }
      space.service_files[name] = m.file + ":" + std::to_string(m.doc.line);
      space.services.emplace(name, std::move(*r.object));
    } else if (m.kind() == "Pod") {
      pods.push_back(&m);
    } else if (m.kind() == "EndpointSlice") {
      slices.push_back(&m);
    } else if (m.kind() == "ConfigMap" || m.kind() == "Secret") {
      auto& space = out.namespaces[ns];
      (m.kind() == "ConfigMap" ? space.config_maps : space.secrets)[m.name()] = m.doc.value;
    } else {
      ++out.skipped;
    }
  }
  for (const auto* m : pods) {
    std::string ns = m->namespaceOr("default");
    auto ep = model::endpointFromPod(m->doc.value);
    if (!ep.isOk()) {
      out.errors.push_back({m->file, m->doc.line, ns + "/" + m->name(), ep.status().message()});
      continue;
    }
    if (!ep->has_value()) continue;
    auto it = out.namespaces.find(ns);
    if (it == out.namespaces.end()) continue;
    for (auto& [name, svc] : it->second.services) {
      if (model::selectsPod(svc, m->doc.value)) it->second.endpoints[name].push_back(**ep);
    }
  }
  for (const auto* m : slices) {
    std::string ns = m->namespaceOr("default");
    json labels = m->doc.value.value("metadata", json::object()).value("labels", json::object());
    std::string service = labels.is_object() ? labels.value("kubernetes.io/service-name", "") : "";
    auto it = out.namespaces.find(ns);
    if (service.empty() || it == out.namespaces.end() || !it->second.services.count(service)) continue;
    auto eps = model::endpointsFromSlice(m->doc.value);
    if (!eps.isOk()) {
      out.errors.push_back({m->file, m->doc.line, ns + "/" + m->name(), eps.status().message()});
      continue;
    }
    for (auto& e : *eps) it->second.endpoints[service].push_back(e);
  }
  return out;
}

}  // namespace paymesh::policy
