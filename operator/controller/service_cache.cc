#include "operator/controller/service_cache.h"

#include "base/json_fields.h"

namespace paymesh::ctrl {

namespace f = fields;
using Json = nlohmann::json;

using kube::metadataOf;

namespace {

ServiceCache::Entry parse(const kube::ObjectPtr& object) {
  ServiceCache::Entry e;
  e.object = object;
  auto parsed = model::parsePaymentService(*object);
  if (parsed.object) {
    e.service = std::make_shared<const model::PaymentService>(std::move(*parsed.object));
  } else {
    for (const auto& err : parsed.errors) e.error += (e.error.empty() ? "" : "; ") + model::toString(err);
  }
  return e;
}

}  // namespace

int64_t ServiceCache::Entry::generation() const { return metadataOf(*object).value(f::kGeneration, int64_t{0}); }

bool ServiceCache::Entry::deleting() const { return metadataOf(*object).contains(f::kDeletionTimestamp); }

std::optional<ServiceCache::Entry> ServiceCache::get(const kube::ObjectKey& key) {
  kube::ObjectPtr object = store_.get(key.ns, key.name);
  if (!object) {
    erase(key);
    return std::nullopt;
  }
  std::string rv = metadataOf(*object).value(f::kResourceVersion, "");
  std::string k = key.str();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(k);
    if (it != entries_.end() && it->second.first == rv) return it->second.second;
  }
  Entry e = parse(object);
  std::lock_guard lock(mu_);
  entries_[k] = {rv, e};
  return e;
}

void ServiceCache::erase(const kube::ObjectKey& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key.str());
}

}  // namespace paymesh::ctrl
