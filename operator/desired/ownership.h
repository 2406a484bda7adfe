#pragma once
// Whose object holds the name of a PaymentService's child: paymesh writes (or deletes)
// only what it owns, and reports anything else standing in the way. Pure.
//
//   ours     the controller owner reference is this PaymentService (same uid);
//   orphan   labelled managed-by=paymesh and paymesh.io/service=<this service>, with no
//            controller owner (left by a deletion with --cascade=orphan) or one naming an
//            earlier PaymentService of this name (gone: names are unique): adopted by
//            writing the owner reference;
//   foreign  anything else: no managed-by=paymesh label (the operator's informers and
//            RBAC only see labelled objects, so an object whose label was removed cannot
//            be told from one someone else made), another controller owner, or another
//            service's label. Never overwritten, never deleted.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace paymesh::ctrl {

// The PaymentService a child is written for.
struct ChildOwner {
  std::string name;
  std::string uid;
};

struct Ownership {
  enum class Verdict { kOurs, kOrphan, kForeign } verdict = Verdict::kOurs;
  std::string why;  // kForeign: why it is not ours, e.g. "it is controlled by Deployment web"
  bool writable() const { return verdict != Verdict::kForeign; }
};

// The verdict on `existing`, an object holding the name of a child of `owner`.
Ownership decideOwnership(const nlohmann::json& existing, const ChildOwner& owner);

// A child paymesh cannot write because an object it does not own holds the name.
struct ChildCollision {
  std::string object;  // "ConfigMap payments/payment-paymesh"
  std::string why;
  // "ConfigMap payments/payment-paymesh is in the way: <why>; paymesh does not overwrite
  // objects it does not own".
  std::string message() const;
};

// Whether `live` (a fresh list of PaymentServices by the owner's name) holds the owner
// with its uid and not being deleted: an adoption writes that uid.
bool ownerIsLive(const std::vector<nlohmann::json>& live, const ChildOwner& owner);

// The collision `existing` (a "ConfigMap" or "Secret") makes for a child of `owner`, or
// nullopt when it is ours or an orphan to adopt.
std::optional<ChildCollision> collisionOf(const std::string& kind, const nlohmann::json& existing,
                                          const ChildOwner& owner);
// A create of `object` ran into AlreadyExists, though the label-filtered cache holds no
// such object: one without the managed-by label has the name.
ChildCollision unlabelledCollision(const std::string& kind, const nlohmann::json& object);

}  // namespace paymesh::ctrl
