#include "operator/controller/collision_log.h"

#include "obs/log.h"

namespace paymesh::ctrl {

void CollisionLog::note(const kube::ObjectKey& service, const std::vector<ChildCollision>& collisions) {
  std::map<std::string, std::string> now;
  for (const auto& c : collisions) now[c.object] = c.why;
  std::map<std::string, std::string> before;
  const std::string key = service.str();
  {
    std::lock_guard lock(mu_);
    auto it = seen_.find(key);
    if (it == seen_.end() && now.empty()) return;
    if (it != seen_.end()) before = std::move(it->second);
    if (now.empty())
      seen_.erase(key);
    else
      seen_[key] = now;
  }
  for (const auto& c : collisions) {
    auto was = before.find(c.object);
    if (was == before.end() || was->second != c.why)
      obs::logInfo("child not written: an object paymesh does not own holds its name",
                   {{"object", c.object}, {"why", c.why}});
  }
  for (const auto& [object, why] : before)
    if (!now.count(object)) obs::logInfo("child written: the object in the way is gone or ours", {{"object", object}});
}

void CollisionLog::forget(const kube::ObjectKey& service) {
  std::lock_guard lock(mu_);
  seen_.erase(service.str());
}

}  // namespace paymesh::ctrl
