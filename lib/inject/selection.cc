#include "inject/selection.h"

namespace paymesh::inject {

using nlohmann::json;

ServiceEntry serviceEntry(const json& object) {
  ServiceEntry entry;
  const json meta = object.is_object() ? object.value("metadata", json::object()) : json::object();
  if (meta.is_object()) {
    if (meta.contains("name") && meta["name"].is_string()) entry.name = meta["name"];
    if (meta.contains("namespace") && meta["namespace"].is_string()) entry.namespace_ = meta["namespace"];
  }
  // The selector as stored, read even when the rest is invalid.
  const json* labels = nullptr;
  if (object.is_object() && object.contains("spec") && object["spec"].is_object()) {
    const json& spec = object["spec"];
    if (spec.contains("selector") && spec["selector"].is_object() && spec["selector"].contains("matchLabels"))
      labels = &spec["selector"]["matchLabels"];
  }
  if (labels && labels->is_object()) {
    for (const auto& [k, v] : labels->items())
      if (v.is_string()) entry.selector[k] = v.get<std::string>();
  }
  auto parsed = model::parsePaymentService(object);
  if (parsed.object) {
    entry.service = std::make_shared<const model::PaymentService>(std::move(*parsed.object));
  } else {
    for (const auto& e : parsed.errors) {
      if (!entry.error.empty()) entry.error += "; ";
      entry.error += model::toString(e);
    }
  }
  return entry;
}

bool selects(const Labels& selector, const Labels& labels) {
  if (selector.empty()) return false;
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

std::vector<const ServiceEntry*> selecting(const std::vector<ServiceEntry>& services, const Labels& labels) {
  std::vector<const ServiceEntry*> out;
  for (const auto& s : services)
    if (selects(s.selector, labels)) out.push_back(&s);
  return out;
}

}  // namespace paymesh::inject
