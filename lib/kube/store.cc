#include "kube/store.h"

#include <mutex>

namespace paymesh::kube {

void dropManagedFields(Json& object) {
  if (!object.is_object() || !object.contains("metadata")) return;
  Json& meta = object["metadata"];
  meta.erase("managedFields");
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    meta["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
    if (meta["annotations"].empty()) meta.erase("annotations");
  }
}

void trimPod(Json& object) {
  dropManagedFields(object);
  if (!object.is_object()) return;
  Json lean = Json::object();
  if (object.contains("metadata")) {
    const Json& m = object["metadata"];
    Json meta = Json::object();
    for (const char* f : {"name", "namespace", "uid", "resourceVersion", "labels", "annotations", "deletionTimestamp"}) {
      if (m.contains(f)) meta[f] = m[f];
    }
    if (m.contains("ownerReferences")) {
      Json owners = Json::array();
      for (const auto& o : m["ownerReferences"]) {
        owners.push_back({{"kind", o.value("kind", "")}, {"name", o.value("name", "")}, {"uid", o.value("uid", "")}});
      }
      meta["ownerReferences"] = owners;
    }
    lean["metadata"] = meta;
  }
  if (object.contains("spec")) {
    const Json& s = object["spec"];
    for (const char* f : {"nodeName", "serviceAccountName"}) {
      if (s.contains(f)) lean["spec"][f] = s[f];
    }
  }
  if (object.contains("status")) {
    const Json& s = object["status"];
    for (const char* f : {"phase", "podIP"}) {
      if (s.contains(f)) lean["status"][f] = s[f];
    }
    if (s.contains("podIPs") && s["podIPs"].is_array() && s["podIPs"].size() > 1) lean["status"]["podIPs"] = s["podIPs"];
    if (s.contains("conditions")) {
      for (const auto& c : s["conditions"]) {
        if (c.value("type", "") == "Ready")
          lean["status"]["conditions"] = Json::array({{{"type", "Ready"}, {"status", c.value("status", "")}}});
      }
    }
  }
  object = std::move(lean);
}

Store::Store(Trimmer trim) : trim_(std::move(trim)) {}

std::string Store::keyOf(const Json& object) {
  const Json& meta = object.value("metadata", Json::object());
  return keyOf(meta.value("namespace", ""), meta.value("name", ""));
}

ObjectPtr Store::get(const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(keyOf(ns, name));
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [k, v] : objects_) out.push_back(v);
  return out;
}

std::vector<ObjectPtr> Store::byNamespace(const std::string& ns) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto it = by_namespace_.find(ns);
  if (it == by_namespace_.end()) return out;
  for (const auto& k : it->second) out.push_back(objects_.at(k));
  return out;
}

std::vector<ObjectPtr> Store::byLabel(const std::string& key, const std::string& value) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto it = by_label_.find(key + "=" + value);
  if (it == by_label_.end()) return out;
  for (const auto& k : it->second) out.push_back(objects_.at(k));
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

void Store::indexLocked(const std::string& key, const Json& object, bool add) {
  const Json& meta = object.value("metadata", Json::object());
  auto update = [&](auto& index, const std::string& ikey) {
    if (add) {
      index[ikey].insert(key);
    } else {
      auto it = index.find(ikey);
      if (it == index.end()) return;
      it->second.erase(key);
      if (it->second.empty()) index.erase(it);
    }
  };
  update(by_namespace_, meta.value("namespace", ""));
  if (meta.contains("labels") && meta["labels"].is_object()) {
    for (const auto& [k, v] : meta["labels"].items()) {
      if (v.is_string()) update(by_label_, k + "=" + v.get<std::string>());
    }
  }
}

std::pair<ObjectPtr, ObjectPtr> Store::upsert(Json object) {
  if (trim_) trim_(object);
  std::string key = keyOf(object);
  auto stored = std::make_shared<const Json>(std::move(object));
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    old = it->second;
    indexLocked(key, *old, false);
    it->second = stored;
  } else {
    objects_.emplace(key, stored);
  }
  indexLocked(key, *stored, true);
  return {old, stored};
}

ObjectPtr Store::erase(const std::string& ns, const std::string& name) {
  std::string key = keyOf(ns, name);
  std::unique_lock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr old = it->second;
  indexLocked(key, *old, false);
  objects_.erase(it);
  return old;
}

std::map<std::string, ObjectPtr> Store::replace(std::vector<Json> objects) {
  std::unordered_map<std::string, ObjectPtr> fresh;
  for (auto& o : objects) {
    if (trim_) trim_(o);
    std::string key = keyOf(o);
    fresh[key] = std::make_shared<const Json>(std::move(o));
  }
  std::unique_lock lock(mu_);
  std::map<std::string, ObjectPtr> old(objects_.begin(), objects_.end());
  objects_ = std::move(fresh);
  by_namespace_.clear();
  by_label_.clear();
  for (const auto& [k, v] : objects_) indexLocked(k, *v, true);
  return old;
}

}  // namespace paymesh::kube
