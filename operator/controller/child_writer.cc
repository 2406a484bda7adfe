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

namespace {

std::string kindName(ChildKind kind) { return kind == ChildKind::kConfigMap ? "ConfigMap" : "Secret"; }

}  // namespace

Result<ChildWriter::Collision> ChildWriter::applyConfigMap(const Json& desired, const std::string& data_hash,
                                                           const Json* cached, const ChildOwner& owner) {
  if (cached && configMapUpToDate(desired, data_hash, *cached)) return Collision{};
  return write(res::kConfigMaps, ChildKind::kConfigMap, desired, cached, configMapFingerprint(desired, data_hash),
               &owner);
}

Result<ChildWriter::Collision> ChildWriter::applyTlsSecret(const Json& desired, const Json* current,
                                                           const ChildOwner& owner) {
  return write(res::kSecrets, ChildKind::kSecret, desired, current,
               echoFingerprint(ChildKind::kSecret, desired, ownedMetadata(desired)), &owner);
}

Status ChildWriter::applySecret(const Json& desired, const Json* current) {
  auto out = write(res::kSecrets, ChildKind::kSecret, desired, current,
                   echoFingerprint(ChildKind::kSecret, desired, ownedMetadata(desired)), nullptr);
  return out.status();
}

Result<ChildWriter::Collision> ChildWriter::write(const kube::ResourceRef& resource, ChildKind kind,
                                                  const Json& desired, const Json* current, std::string fingerprint,
                                                  const ChildOwner* owner) {
  if (owner && current) {
    if (auto in_the_way = collisionOf(kindName(kind), *current, *owner)) return in_the_way;
    if (decideOwnership(*current, *owner).verdict == Ownership::Verdict::kOrphan)
      RETURN_IF_ERROR(confirmOwner(*owner, metadataOf(desired).value(f::kNamespace, "")));
  }
  std::string key = echoKey(kind, desired);
  {
    std::lock_guard lock(mu_);
    written_[key] = Written{std::move(fingerprint), ownedMetadata(desired)};
  }
  const std::string ns = metadataOf(desired).value(f::kNamespace, "");
  // The answer is not read: the cache learns the object from its watch.
  Result<Json> out = current ? client_.update(resource, mergeForUpdate(desired, *current), kube::Answer::kNone)
                             : client_.create(resource, ns, desired, kube::Answer::kNone);
  if (!out.isOk()) {
    {
      std::lock_guard lock(mu_);
      written_.erase(key);
    }
    // Not in the cache, yet there: an object without the managed-by label holds the name.
    if (owner && !current && kube::isAlreadyExists(out.status()))
      return Collision{unlabelledCollision(kindName(kind), desired)};
    return out.status();
  }
  if (metrics_) metrics_->wrote(kind == ChildKind::kConfigMap ? obs::WriteKind::kConfigMap : obs::WriteKind::kSecret);
  return Collision{};
}

// Adoption writes the owner's uid: a pass over a cache that has not yet seen the service's
// deletion (`--cascade=orphan` strips the references first) would hand the orphan to a
// service that is gone, and the garbage collector would delete it. A live read says.
Status ChildWriter::confirmOwner(const ChildOwner& owner, const std::string& ns) {
  kube::ListOptions by_name;
  by_name.field_selector = "metadata.name=" + owner.name;
  ASSIGN_OR_RETURN(kube::ObjectList live, client_.list(res::kPaymentServices, ns, by_name));
  if (ownerIsLive(live.items, owner)) return Status::ok();
  return {Code::kConflict, "PaymentService " + ns + "/" + owner.name + " (uid " + owner.uid +
                               ") is gone or being deleted: its orphaned children are not adopted"};
}

Status ChildWriter::removeOwned(const kube::ResourceRef& resource, const Json* cached, const std::string& owner) {
  if (!cached) return Status::ok();
  const Json& meta = metadataOf(*cached);
  const Json& owners = meta.value(f::kOwnerReferences, Json::array());
  bool ours =
      owners.size() == 1 && owners[0].value(f::kKind, "") == model::kKind && owners[0].value(f::kName, "") == owner;
  if (!ours) return Status::ok();
  kube::DeleteOptions options;
  options.precondition_uid = meta.value(f::kUid, "");
  // As cached: a deletion with --cascade=orphan strips the owner reference, and a cache
  // that has not seen that yet must not delete what is now an orphan (Conflict, retried).
  if (std::string rv = meta.value(f::kResourceVersion, ""); !rv.empty()) options.precondition_resource_version = rv;
  Status s = client_.remove(resource, meta.value(f::kNamespace, ""), meta.value(f::kName, ""), options);
  return s.isOk() || kube::isNotFound(s) ? Status::ok() : s;
}

bool ChildWriter::isOwnWrite(ChildKind kind, const Json& cached) const {
  std::lock_guard lock(mu_);
  auto it = written_.find(echoKey(kind, cached));
  return it != written_.end() && it->second.fingerprint == echoFingerprint(kind, cached, it->second.owned);
}

}  // namespace paymesh::ctrl
