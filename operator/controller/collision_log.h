#pragma once
// The info-level log of child name collisions: one line when an object starts standing in
// the way of a service's child (or the reason changes), one when the child is written
// again; nothing on the passes in between (they recheck every ReconcilerOptions::
// collision_recheck). In memory only: a restarted operator logs each collision once more.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kube/object_key.h"
#include "operator/desired/ownership.h"

namespace paymesh::ctrl {

class CollisionLog {
public:
  // The collisions of the service's pass that just ran (none: every child written).
  void note(const kube::ObjectKey& service, const std::vector<ChildCollision>& collisions);
  void forget(const kube::ObjectKey& service);

private:
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> seen_;  // service -> object -> why
};

}  // namespace paymesh::ctrl
