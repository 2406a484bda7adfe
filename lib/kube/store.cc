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

ObjectPtr Store::unpack(const Packed& packed) { return std::make_shared<const Json>(Json::from_msgpack(packed)); }

ObjectPtr Store::get(const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(keyOf(ns, name));
  return it == objects_.end() ? nullptr : unpack(it->second);
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [k, v] : objects_) out.push_back(unpack(v));
  return out;
}

std::vector<ObjectPtr> Store::collectLocked(const KeySet& keys) const {
  std::vector<ObjectPtr> out;
  out.reserve(keys.size());
  for (const std::string* k : keys) out.push_back(unpack(objects_.at(*k)));
  return out;
}

std::vector<ObjectPtr> Store::byNamespace(const std::string& ns) const {
  std::shared_lock lock(mu_);
  auto it = by_namespace_.find(ns);
  return it == by_namespace_.end() ? std::vector<ObjectPtr>{} : collectLocked(it->second);
}

std::vector<ObjectPtr> Store::byLabel(const std::string& key, const std::string& value) const {
  std::shared_lock lock(mu_);
  auto it = by_label_.find(key + "=" + value);
  return it == by_label_.end() ? std::vector<ObjectPtr>{} : collectLocked(it->second);
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

void Store::indexLocked(const std::string* key, const Json& object, bool add) {
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
  Packed packed = Json::to_msgpack(object);
  auto stored = std::make_shared<const Json>(std::move(object));
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    old = unpack(it->second);
    indexLocked(&it->first, *old, false);
    it->second = std::move(packed);
  } else {
    it = objects_.emplace(std::move(key), std::move(packed)).first;
  }
  indexLocked(&it->first, *stored, true);
  return {old, stored};
}

ObjectPtr Store::erase(const std::string& ns, const std::string& name) {
  std::unique_lock lock(mu_);
  auto it = objects_.find(keyOf(ns, name));
  if (it == objects_.end()) return nullptr;
  ObjectPtr old = unpack(it->second);
  indexLocked(&it->first, *old, false);
  objects_.erase(it);
  return old;
}

std::map<std::string, ObjectPtr> Store::replace(std::vector<Json> objects) {
  std::unordered_map<std::string, Packed> fresh;
  std::vector<std::pair<std::string, Json>> trimmed;
  trimmed.reserve(objects.size());
  for (auto& o : objects) {
    if (trim_) trim_(o);
    std::string key = keyOf(o);
    fresh[key] = Json::to_msgpack(o);
    trimmed.emplace_back(std::move(key), std::move(o));
  }
  std::unique_lock lock(mu_);
  std::map<std::string, ObjectPtr> old;
  for (const auto& [k, v] : objects_) old.emplace(k, unpack(v));
  by_namespace_.clear();
  by_label_.clear();
  objects_ = std::move(fresh);
  for (const auto& [k, o] : trimmed) indexLocked(&objects_.find(k)->first, o, true);
  return old;
}

}  // namespace paymesh::kube
