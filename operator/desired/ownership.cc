#include "operator/desired/ownership.h"

#include "base/json_fields.h"
#include "model/endpoints.h"
#include "model/payment_service.h"
#include "operator/desired/children.h"

namespace paymesh::ctrl {

namespace f = fields;
using Json = nlohmann::json;

namespace {

const Json& field(const Json& object, const char* name) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

std::string text(const Json& object, const char* name) {
  const Json& v = field(object, name);
  return v.is_string() ? v.get<std::string>() : "";
}

// The owner reference with controller: true, or null.
const Json* controllerOf(const Json& meta) {
  const Json& owners = field(meta, f::kOwnerReferences);
  if (!owners.is_array()) return nullptr;
  for (const auto& o : owners)
    if (field(o, "controller") == true) return &o;
  return nullptr;
}

Ownership foreign(std::string why) { return {Ownership::Verdict::kForeign, std::move(why)}; }

constexpr const char* kUnlabelledWhy = "it is not labelled app.kubernetes.io/managed-by=paymesh";

std::string describe(const std::string& kind, const Json& object) {
  const Json& meta = field(object, f::kMetadata);
  return kind + " " + text(meta, f::kNamespace) + "/" + text(meta, f::kName);
}

}  // namespace

Ownership decideOwnership(const Json& existing, const ChildOwner& owner) {
  const Json& meta = field(existing, f::kMetadata);
  const Json& labels = field(meta, f::kLabels);
  if (text(labels, kManagedByLabel) != kManagedByValue) return foreign(kUnlabelledWhy);
  std::string service = text(labels, model::kServiceLabel);
  if (const Json* controller = controllerOf(meta)) {
    std::string kind = text(*controller, f::kKind), name = text(*controller, f::kName);
    if (kind == model::kKind && !owner.uid.empty() && text(*controller, f::kUid) == owner.uid)
      return {Ownership::Verdict::kOurs, ""};
    bool earlier_self = kind == model::kKind && name == owner.name && service == owner.name;
    if (!earlier_self) return foreign("it is controlled by " + kind + " " + name);
  }
  if (service == owner.name) return {Ownership::Verdict::kOrphan, ""};
  if (service.empty()) return foreign(std::string("it has no ") + model::kServiceLabel + " label");
  return foreign(std::string("it is labelled ") + model::kServiceLabel + "=" + service);
}

bool ownerIsLive(const std::vector<Json>& live, const ChildOwner& owner) {
  for (const auto& s : live) {
    const Json& meta = field(s, f::kMetadata);
    if (text(meta, f::kName) == owner.name && text(meta, f::kUid) == owner.uid)
      return field(meta, f::kDeletionTimestamp).is_null();
  }
  return false;
}

std::optional<ChildCollision> collisionOf(const std::string& kind, const Json& existing, const ChildOwner& owner) {
  Ownership held = decideOwnership(existing, owner);
  if (held.writable()) return std::nullopt;
  return ChildCollision{describe(kind, existing), held.why};
}

ChildCollision unlabelledCollision(const std::string& kind, const Json& object) {
  return {describe(kind, object), kUnlabelledWhy};
}

std::string ChildCollision::message() const {
  return object + " is in the way: " + why + "; paymesh does not overwrite objects it does not own";
}

}  // namespace paymesh::ctrl
