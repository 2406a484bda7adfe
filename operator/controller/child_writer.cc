#include "operator/controller/child_writer.h"

#include "base/json_fields.h"
#include "kube/errors.h"
#include "kube/object_key.h"
#include "kube/store.h"

namespace paymesh::ctrl {

namespace f = fields;
namespace res = kube::resources;

using kube::metadataOf;

std::string ChildWriter::echoKey(ChildKind kind, const Json& object) {
  return std::string(kind == ChildKind::kConfigMap ? "configmap/" : "secret/") + kube::Store::keyOf(object);
}

Status ChildWriter::applyConfigMap(const Json& desired, const std::string& data_hash, const Json* cached) {
  if (cached && configMapUpToDate(desired, data_hash, *cached)) return Status::ok();
  return write(res::kConfigMaps, ChildKind::kConfigMap, desired, cached, configMapFingerprint(desired, data_hash));
}

Status ChildWriter::applySecret(const Json& desired, const Json* current) {
  return write(res::kSecrets, ChildKind::kSecret, desired, current,
               echoFingerprint(ChildKind::kSecret, desired, ownedMetadata(desired)));
}

Status ChildWriter::write(const kube::ResourceRef& resource, ChildKind kind, const Json& desired, const Json* current,
                          std::string fingerprint) {
  std::string key = echoKey(kind, desired);
  {
    std::lock_guard lock(mu_);
    written_[key] = Written{std::move(fingerprint), ownedMetadata(desired)};
  }
  const std::string ns = metadataOf(desired).value(f::kNamespace, "");
  Result<Json> out =
      current ? client_.update(resource, mergeForUpdate(desired, *current)) : client_.create(resource, ns, desired);
  if (!out.isOk()) {
    std::lock_guard lock(mu_);
    written_.erase(key);
    return out.status();
  }
  if (metrics_) metrics_->wrote(kind == ChildKind::kConfigMap ? obs::WriteKind::kConfigMap : obs::WriteKind::kSecret);
  return Status::ok();
}

Status ChildWriter::removeOrphan(const kube::ResourceRef& resource, const Json* cached, const std::string& owner) {
  if (!cached) return Status::ok();
  const Json& meta = metadataOf(*cached);
  const Json& owners = meta.value(f::kOwnerReferences, Json::array());
  bool ours =
      owners.size() == 1 && owners[0].value(f::kKind, "") == model::kKind && owners[0].value(f::kName, "") == owner;
  if (!ours) return Status::ok();
  kube::DeleteOptions options;
  options.precondition_uid = meta.value(f::kUid, "");
  // As read: a child someone changed since (a new leader adopting it) is not deleted.
  const Json& rv = meta.value(f::kResourceVersion, Json());
  if (rv.is_string()) options.precondition_resource_version = rv.get<std::string>();
  Status s = client_.remove(resource, meta.value(f::kNamespace, ""), meta.value(f::kName, ""), options);
  return s.isOk() || kube::isNotFound(s) ? Status::ok() : s;
}

bool ChildWriter::isOwnWrite(ChildKind kind, const Json& cached) const {
  std::lock_guard lock(mu_);
  auto it = written_.find(echoKey(kind, cached));
  return it != written_.end() && it->second.fingerprint == echoFingerprint(kind, cached, it->second.owned);
}

}  // namespace paymesh::ctrl
