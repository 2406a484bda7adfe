#include "operator/controller/cache_view.h"

namespace paymesh::ctrl {

const model::PaymentService* CacheView::find(const std::string& name) const {
  if (auto it = found_.find(name); it != found_.end()) return it->second.get();
  auto entry = services_.get({ns_, name});
  if (!entry || !entry->service) return nullptr;
  return (found_[name] = entry->service).get();
}

std::vector<model::ServiceEndpoint> CacheView::endpoints(const model::PaymentService& service) const {
  auto read = [&] {
    auto pods = pods_.byLabel(model::kServiceLabel, service.metadata.name);
    std::vector<const nlohmann::json*> ptrs;
    ptrs.reserve(pods.size());
    for (const auto& p : pods) ptrs.push_back(p.get());
    return model::endpointsFromPods(service, ptrs).endpoints;
  };
  return endpoint_cache_ ? endpoint_cache_->get(service, read) : read();
}

const nlohmann::json* CacheView::jwksObject(model::JwksSourceKind kind, const std::string& name) const {
  const kube::Store& store = kind == model::JwksSourceKind::kSecret ? jwks_secrets_ : jwks_config_maps_;
  kube::ObjectPtr object = store.get(ns_, name);
  if (!object) return nullptr;
  held_.push_back(object);
  return object.get();
}

}  // namespace paymesh::ctrl
